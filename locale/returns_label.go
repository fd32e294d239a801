package locale

// The prepaid return label a carrier makes for a return: the line of the
// instructions email with its link, the history lines, the order page's
// « Retours » and the carrier's refusals.
func init() {
	addPart(part{french: returnLabelFrench, english: returnLabelEnglish, params: returnLabelParams})
}

var returnLabelParams = map[Key][]Param{
	"mail.return.label":          {{"link", KindText}},
	"mail.return.label_tracking": {{"carrier", KindText}, {"tracking", KindText}},

	"history.return.label":         {{"number", KindText}, {"carrier", KindText}, {"tracking", KindText}},
	"history.return.label_refused": {{"number", KindText}, {"why", KindText}},

	"return.label":       nil,
	"return.tracking_is": {{"tracking", KindText}, {"carrier", KindText}},

	"refusal.carrier_key_missing":    nil,
	"refusal.carrier_sender_missing": nil,
	"refusal.email_label_url":        nil,
}

var returnLabelFrench = map[Key]string{
	"mail.return.label":          "Imprimez votre étiquette de retour prépayée\u00a0: {link}",
	"mail.return.label_tracking": "Collez-la sur le colis et déposez-le chez {carrier}. Numéro de suivi\u00a0: {tracking}.",

	"history.return.label":         "Retour {number} : étiquette prépayée {carrier}, suivi {tracking}",
	"history.return.label_refused": "Retour {number} : le transporteur refuse de faire l'étiquette ({why}) ; instructions envoyées sans étiquette, vérifiez la configuration du transporteur",

	"return.label":       "Étiquette de retour",
	"return.tracking_is": "suivi {tracking} ({carrier})",

	"refusal.carrier_key_missing":    "La demande d'étiquette n'a pas de clé : donnez le numéro du retour.",
	"refusal.carrier_sender_missing": "L'adresse de livraison de la commande n'a pas de nom ou de code postal : complétez-la pour que le transporteur imprime l'étiquette.",
	"refusal.email_label_url":        "Le lien de l'étiquette de retour n'est pas une adresse web (http:// ou https://) : vérifiez l'adresse du transporteur.",
}

var returnLabelEnglish = map[Key]string{
	"mail.return.label":          "Print your prepaid return label: {link}",
	"mail.return.label_tracking": "Stick it on the parcel and drop it off with {carrier}. Tracking number: {tracking}.",

	"history.return.label":         "Return {number}: prepaid label from {carrier}, tracking {tracking}",
	"history.return.label_refused": "Return {number}: the carrier refuses to make the label ({why}); instructions sent without a label, check the carrier's configuration",

	"return.label":       "Return label",
	"return.tracking_is": "tracking {tracking} ({carrier})",

	"refusal.carrier_key_missing":    "The label request has no key: give the return's number.",
	"refusal.carrier_sender_missing": "The order's delivery address has no name or postal code: complete it for the carrier to print the label.",
	"refusal.email_label_url":        "The return label's link is not a web address (http:// or https://): check the carrier's address.",
}
