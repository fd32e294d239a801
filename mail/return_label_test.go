package mail

import (
	"strings"
	"testing"
)

// withLabel is the return's email with a carrier's prepaid label.
func withLabel(r ReturnInstructions) ReturnInstructions {
	r.LabelURL = "https://carrier.example/labels/LR12345678" + "5FR.pdf"
	r.LabelTracking, r.LabelCarrier = "LR123456785FR", "Sandbox Post"
	return r
}

func TestTheReturnEmailGivesTheLabelToPrint(t *testing.T) {
	r := withLabel(sampleReturn())
	fr := render(t, TemplateReturnInstructions, "fr", r)
	says(t, fr.Text, []string{"Imprimez votre étiquette de retour prépayée\u00a0: " + r.LabelURL, "Numéro de suivi\u00a0: LR123456785FR", "Sandbox Post"}, nil)
	if want := `<a href="` + r.LabelURL + `">` + r.LabelURL + `</a>`; !strings.Contains(fr.HTML, want) {
		t.Errorf("the HTML has no link to the label (%s):\n%s", want, fr.HTML)
	}
	en := render(t, TemplateReturnInstructions, "en", r)
	says(t, en.Text, []string{"Print your prepaid return label: " + r.LabelURL, "Tracking number: LR123456785FR"}, []string{"Imprimez"})

	reminder := r
	reminder.Reminder = true
	says(t, render(t, TemplateReturnInstructions, "fr", reminder).Text, []string{"Pour rappel", r.LabelURL}, nil)

	none := render(t, TemplateReturnInstructions, "fr", sampleReturn())
	says(t, none.Text+none.HTML, nil, []string{"étiquette", "suivi"})
}

func TestTheReturnEmailRefusesALabelThatIsNotALink(t *testing.T) {
	r := withLabel(sampleReturn())
	r.LabelURL = "javascript:alert(1)"
	if _, err := Render(TemplateReturnInstructions, "fr", r); err == nil || !strings.Contains(err.Error(), "LabelURL") {
		t.Errorf("a label that is not a web address gave %v, want a refusal naming LabelURL", err)
	}
}
