package locale

// What the agent UI says when it cannot do what was asked for a reason
// that is not the agent's: a service that does not answer (PostgreSQL, the
// procedures' engine), or an order that changed between the page and the
// click. Each says what happened, what was (not) done and what to do.
func init() {
	addPart(part{french: unavailableFrench, english: unavailableEnglish, params: nil})
}

var unavailableFrench = map[Key]string{
	"unavailable.title":        "Service momentanément indisponible",
	"unavailable.database":     "La base de données ne répond pas.",
	"unavailable.temporal":     "Le moteur des procédures (Temporal) ne répond pas.",
	"unavailable.unknown":      "Un service dont dépend orderdesk ne répond pas.",
	"unavailable.nothing_done": "Rien n'a été lancé ni modifié : vous pourrez recommencer sans risque de faire la chose deux fois.",
	"unavailable.what_to_do":   "Réessayez dans une minute. Si cela dure, prévenez l'exploitant en lui donnant la référence ci-dessous.",
	"unavailable.form_kept":    "Le formulaire est resté tel que vous l'avez rempli : revenez en arrière pour le renvoyer.",
	"edge.modify_changed":      "La commande a changé entre-temps et son contenu ne peut plus être modifié : rechargez-la pour voir où elle en est.",
	"edge.archive_running":     "Une procédure travaille encore sur cette commande : attendez qu'elle se termine, puis archivez-la.",
}

var unavailableEnglish = map[Key]string{
	"unavailable.title":        "Temporarily unavailable",
	"unavailable.database":     "The database is not answering.",
	"unavailable.temporal":     "The procedure engine (Temporal) is not answering.",
	"unavailable.unknown":      "A service orderdesk depends on is not answering.",
	"unavailable.nothing_done": "Nothing was started or changed: you can try again without doing anything twice.",
	"unavailable.what_to_do":   "Try again in a minute. If it lasts, tell the operator, giving them the reference below.",
	"unavailable.form_kept":    "The form is as you filled it in: go back to send it again.",
	"edge.modify_changed":      "The order changed meanwhile and its content can no longer be changed: reload it to see where it stands.",
	"edge.archive_running":     "A procedure is still working on this order: wait for it to end, then archive it.",
}
