package mail

import (
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/order"
)

func sampleReturn() ReturnInstructions {
	return ReturnInstructions{
		CustomerName: "Camille Martin", OrderNumber: "C-2026-000123", ReturnNumber: "R-2026-000007",
		Items:     []order.Line{{SKU: "MUG", Name: "Mug émaillé", Quantity: 2}},
		WaitUntil: time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC),
	}
}

// returnGoldenCases pins the "return_instructions" email (see TestGolden).
func returnGoldenCases() []goldenCase {
	reminder := sampleReturn()
	reminder.Reminder, reminder.Exchange = true, true
	return []goldenCase{
		{TemplateReturnInstructions, "authorised", sampleReturn()},
		{TemplateReturnInstructions, "reminder_exchange", reminder},
		{TemplateReturnInstructions, "label", withLabel(sampleReturn())},
	}
}

func TestReturnInstructionsEmail(t *testing.T) {
	fr := render(t, TemplateReturnInstructions, "fr", sampleReturn())
	says(t, fr.Subject, []string{"R-2026-000007", "C-2026-000123"}, []string{"Rappel"})
	says(t, fr.Text, []string{"2 × Mug émaillé", "R-2026-000007", "remboursons", "10/12/2026"}, nil)
	r := sampleReturn()
	r.Reminder, r.Exchange = true, true
	en := render(t, TemplateReturnInstructions, "en", r)
	says(t, en.Subject, []string{"Reminder", "R-2026-000007"}, nil)
	says(t, en.Text, []string{"not received your return parcel", "exchange items"}, []string{"refund you"})
}

func TestReturnInstructionsEmailRefusesNoItems(t *testing.T) {
	r := sampleReturn()
	r.Items = nil
	if _, err := Render(TemplateReturnInstructions, "fr", r); err == nil {
		t.Error("an email without items was rendered")
	}
}
