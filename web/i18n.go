package web

import (
	"net/http"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
)

// englishTexts is the English of the French texts of the templates not
// moved to the catalog yet (package locale); it goes with the last of them.
var englishTexts = map[string]string{
	// Layout
	"Commandes": "Orders", "Tâches": "Tasks", "Boîte d'envoi": "Outbox", "Déconnexion": "Sign out",
	"N° de commande, client, produit…": "Order no., customer, product…", "Rechercher une commande": "Search orders",
	"Langue": "Language",
	// Sign-in
	"Connexion": "Sign in", "Adresse e-mail": "Email address", "Mot de passe": "Password", "Se connecter": "Sign in",
	// Order page
	"Client": "Customer", "Facturation": "Billing", "Livraison": "Delivery", "Produits": "Products",
	"Paiements": "Payments", "Remboursements": "Refunds", "Procédures": "Procedures", "Historique": "History",
	"E-mails envoyés": "Emails sent", "En attente d'un agent": "Waiting for an agent", "Actions": "Actions",
	"Modifier le contenu": "Modify content", "Annuler des articles / rembourser": "Cancel items / refund",
	"Prix unitaire TTC": "Unit price incl. VAT", "Qté": "Qty", "TVA": "VAT", "Total TTC": "Total incl. VAT",
	"Marchandises": "Merchandise", "Frais de port": "Shipping", "Offerts": "Free", "Remise": "Discount",
	"Produit": "Product", "Date": "Date", "Moyen": "Method", "Référence": "Reference", "Montant": "Amount", "État": "Status",
	// Tasks
	"Répondre": "Answer", "Question": "Question", "Depuis": "Since", "Commande": "Order", "Procédure": "Procedure",
	"Aucune tâche en attente.": "No task waiting.", "Valider": "Confirm", "Confirmer": "Confirm",
	"Remboursement effectué": "Refund done", "Remboursement impossible": "Refund impossible",
	"Le chèque a déjà été envoyé": "The cheque was already sent", "Le chèque n'a pas été envoyé": "The cheque was not sent",
	"Envoyer le mail": "Send the email", "Envoyer avec un paragraphe personnel": "Send with a personal paragraph",
	"Ne pas envoyer": "Don't send", "Approuver": "Approve", "Refuser": "Reject",
	"Virement bancaire": "Bank transfer", "Chèque": "Cheque", "Bon d'achat": "Store credit",
	"Chèque envoyé": "Cheque mailed", "Motif": "Reason",
	// Progress
	"Terminée": "Completed", "En cours": "Running", "Échouée": "Failed", "Annulée": "Cancelled",
	"à l'instant": "just now",
	// Modify content
	"Recalculer les frais de port": "Recalculate the shipping fee", "Moyen de contact": "Contact channel",
	"Confirmation et règlement": "Confirmation and settlement", "Retour": "Back",
	"Modification du contenu": "Content modification", "Annulation et remboursement": "Cancellation and refund",
	"Règlement de la différence": "Settling the difference", "Envoi du chèque de remboursement": "Mailing the refund cheque",
	"Encaissement du paiement": "Payment collection", "Avis de nouvelle commande": "New order notice",
	// Modify content: the shop's edits and added products, the confirmation
	"Sélection de produits": "Choose the products", "Frais de port et contact": "Shipping and contact",
	"Cochez les produits que le client veut retirer ou dont il change la quantité, puis réglez la « Qté fin » (0 retire le produit). Vous pouvez aussi corriger le SKU, le nom et le prix unitaire.": "Tick the products the customer removes or whose quantity changes, then set the “Final qty” (0 removes the product). You can also correct the SKU, the name and the unit price.",
	"Qté fin": "Final qty", "Modifier": "Change", "Nom": "Name", "Ajouter un produit": "Add a product",
	"Physique": "Physical", "à expédier": "to ship", "Non physique": "Not physical",
	"Une ligne laissée vide est ignorée.":                                       "A row left empty is ignored.",
	"En retirant des produits, les frais de port peuvent ne plus être offerts.": "Removing products can end free shipping.",
	"Moyen de contact utilisé par le client":                                    "How the customer contacted you", "Annuler": "Cancel",
	"Produits retirés": "Products removed", "Produits modifiés": "Products changed", "Produits ajoutés": "Products added",
	"Totaux": "Totals", "Avant": "Before", "Après": "After", "Règlement": "Settlement", "contact par": "contact by",
	"Payé par le client, net des remboursements :": "Paid by the customer, net of refunds:",
	"Trop-perçu, à rendre au client :":             "Overpaid, to give back to the customer:",
	"À rembourser au client :":                     "To refund to the customer:", "Reste à payer par le client :": "Still to pay by the customer:",
	"Le client a réglé par chèque, déjà encaissé : la procédure vous demandera ensuite comment il souhaite être remboursé (chèque, virement ou avoir).": "The customer paid by cheque, already cashed: the procedure will then ask you how they want to be paid back (cheque, transfer or store credit).",
	"Aucune procédure n'attend cette réponse : elle ferme la tâche et garde votre note dans l'historique de la commande.":                               "No procedure waits on this answer: it closes the task and keeps your note in the order's history.",
	"Ce qui a été fait":                                  "What was done",
	"Dont geste commercial, que le client ne doit pas :": "Of which a commercial gesture, not owed by the customer:",
	"Vu, traité":                          "Seen, dealt with",
	"Nouveau montant du chèque attendu :": "New amount of the cheque awaited:",
	"Le chèque du client n'est pas encore reçu : la procédure vous demandera ensuite s'il l'a déjà envoyé. Envoyé : la différence lui sera renvoyée par chèque": "The customer's cheque is not received yet: the procedure will then ask you whether they sent it already. Sent: the difference goes back to them by cheque",
	"sinon, il enverra un chèque du nouveau montant à la place du premier.":                                                                                     "otherwise they send a cheque of the new amount instead of the first.",
	"Remboursement par": "Refund by",
	"La procédure vous demandera ensuite de confirmer « Remboursement effectué » ou « Remboursement impossible ».": "The procedure will then ask you to confirm “Refund done” or “Refund impossible”.",
	"Au-delà de": "Above", "un superviseur doit approuver ce remboursement avant qu'il soit fait.": "a supervisor must approve this refund before it is made.",
	"Le total a augmenté : contactez le client pour convenir avec lui du paiement du complément (page « Paiement et factures » de la commande).": "The total went up: contact the customer to agree on how they pay the difference (the order's “Payment and invoices” page).",
	"Rien à rembourser ni à payer.": "Nothing to refund or to pay.",
	"Le client recevra un e-mail récapitulatif, que vous pourrez relire avant l'envoi.": "The customer will receive a summary email, which you can read before it goes.",
	"Modifier le contenu de": "Modify the content of",
	// Cancel items
	"Articles annulés": "Items cancelled", "Articles à annuler": "Items to cancel", "Rembourser": "Refund", "Remboursement": "Refund",
	"Confirmer l'annulation et le remboursement": "Confirm the cancellation and the refund",
	// The email under review
	"Relire l'e-mail avant envoi au client.": "Read the email before it goes to the customer.",
	"E-mail au client":                       "Email to the customer", "Objet": "Subject",
	"L'e-mail part tel quel.": "The email goes as it is.", "Le client ne recevra pas cet e-mail.": "The customer will not receive this email.",
	"Paragraphe personnel, ajouté à l'e-mail": "Personal paragraph, added to the email",
	"Envoyer cet e-mail au client ?":          "Send this email to the customer?", "À": "To",
	"Contenu de l'e-mail": "Email content", "Version texte": "Text version",
	// Tasks and procedures
	"tâche ouverte": "open task", "tâches ouvertes": "open tasks", ", la plus ancienne en premier.": ", oldest first.",
	"Lancée le": "Started on", "La procédure démarre…": "The procedure is starting…",
	"Les étapes ne sont pas lisibles pour l'instant (aucun worker ne répond ?). Temporal indique l'état ci-dessus.": "The steps cannot be read right now (no worker answering?). Temporal gives the state above.",
	"Référence du remboursement (facultatif)": "Refund reference (optional)", "Pourquoi ?": "Why?", "Titulaire": "Account holder",
	"Le client a-t-il envoyé le chèque ?":                                                                                   "Has the customer sent the cheque?",
	"Une demande de remboursement par chèque sera faite. Choisissez l'adresse avec le client :":                             "A cheque refund will be requested. Choose the address with the customer:",
	"L'e-mail dira au client que le premier chèque est annulé et ne doit pas être envoyé, et le montant du nouveau chèque.": "The email will tell the customer that the first cheque is cancelled and must not be sent, and the amount of the new cheque.",
	"N° du chèque": "Cheque no.", "En attente de l'approbation d'un superviseur.": "Waiting for a supervisor's approval.",
	"Adresse d'envoi du chèque": "Where the cheque goes", "Adresse de facturation": "Billing address",
	"Adresse de livraison": "Delivery address", "Autre adresse :": "Another address:", "Adresse": "Address",
	"Complément": "Address line 2", "Code postal": "Postal code", "Ville": "City", "Pays": "Country",
	// Payment and invoices
	"Paiement et factures": "Payment and invoices", "Total": "Total", "Encaissement en cours": "Collection under way",
	"Attendu": "Due", "reçu": "received", "reste à payer": "still to pay", "trop-perçu": "overpaid",
	"Facture": "Invoice", "lien de paiement": "payment link", "Relances": "Reminders", "Prochaine étape": "Next step",
	"E-mail de relance au client": "Reminder email to the customer", "Tâche pour un agent : relancer le client": "Task for an agent: remind the customer",
	"Enregistrer un paiement reçu": "Record a payment received", "Moyen de paiement": "Payment method",
	"Paiement au terminal du magasin : pas de moyen de paiement à choisir.": "Payment at the shop's terminal: no payment method to choose.",
	"Montant reçu": "Amount received", "Référence (n° de chèque, référence du virement)": "Reference (cheque no., transfer reference)",
	"Trop-perçu confirmé : le montant dépasse le reste dû (l'excédent sera proposé au remboursement)": "Overpayment confirmed: the amount is above what is due (the excess will be offered for refund)",
	"Date de réception": "Date received", "Marquer la facture payée": "Mark the invoice paid", "Payée": "Paid",
	"Envoyer la facture par e-mail": "Email the invoice", "Envoyer la confirmation de paiement": "Send the payment confirmation",
	"Encaisser le paiement": "Collect the payment", "Comment le client paie": "How the customer pays",
	"Chèque, mandat-poste ou virement":       "Cheque, money order or bank transfer",
	"Facture avec lien de paiement en ligne": "Invoice with an online payment link", "Terminal du magasin": "Shop terminal",
	"Envoyer la facture au client avant le paiement":                    "Send the invoice to the customer before the payment",
	"Complément à payer (commande déjà payée dont le total a augmenté)": "Balance to pay (a paid order whose total went up)",
	"Montant du complément":                                             "Balance amount", "Démarrer l'encaissement": "Start collecting", "Factures": "Invoices",
	"Numéro": "Number", "Statut": "Status", "Montant TTC": "Amount incl. VAT", "complémentaire": "supplementary",
	"À payer": "To pay", "Imprimer (PDF)": "Print (PDF)", "Aucune facture.": "No invoice.", "Créer une facture": "Create an invoice",
	"Avoirs": "Credit notes", "facture": "invoice", "Paiements reçus": "Payments received", "Aucun paiement reçu.": "No payment received.",
	"Mandat-poste": "Money order", "Payé": "Paid", "remboursé": "refunded", "net": "net",
	// The order's procedures
	"Début": "Start", "Fin": "End", "Dans Temporal": "In Temporal", "bloque la commande": "holds the order",
	"inconnu": "unknown", "attend un agent": "waiting for an agent", "dernier événement": "last event",
	"Aucune procédure n'a porté sur cette commande.": "No procedure has run on this order.",
	// A collection's reminders (payment page)
	"Annulation de la commande et e-mail au client": "Cancellation of the order and email to the customer",
	"Fin de la demande de complément":               "End of the balance request",
	// Procedure steps, as workers older than the step texts (steps_i18n.go) name them, and their retries
	"Annuler la commande non payée": "Cancel the unpaid order", "Annuler les articles": "Cancel the items",
	"Approbation du remboursement par un superviseur": "Refund approval by a supervisor", "Attendre le paiement": "Wait for the payment",
	"Créer la facture": "Create the invoice", "Demande de remboursement par chèque": "Cheque refund request",
	"Envoyer l'e-mail au client": "Send the email to the customer", "Envoyer la facture au client": "Send the invoice to the customer",
	"Envoyer le chèque de remboursement":                    "Mail the refund cheque",
	"Marquer la facture payée et la commande « Complétée »": "Mark the invoice paid and the order “Completed”",
	"Modifier le contenu de la commande":                    "Change the order's content",
	"Passer la commande « En attente du paiement »":         "Set the order to “Awaiting payment”",
	"Rembourser autrement (virement, chèque ou avoir)":      "Refund another way (transfer, cheque or store credit)",
	"Rembourser le client":                                  "Refund the customer", "Reste à payer par le client": "Still to pay by the customer",
	"Rendre la commande au flux logistique (Mod OFF → ON)":  "Give the order back to the warehouse flow (Mod OFF → ON)",
	"Retirer la commande du flux logistique (Mod ON → OFF)": "Take the order out of the warehouse flow (Mod ON → OFF)",
	"Régler la différence avec le client":                   "Settle the difference with the customer",
	"Fait":                                                  "Done", "Attend un agent": "Waiting for an agent", "Échec": "Failed", "Sans objet": "Not needed",
	"Le prestataire de paiement ne répond pas":                            "The payment provider does not answer",
	"Le service de virement ne répond pas":                                "The transfer service does not answer",
	"Le service d'envoi d'e-mails ne répond pas":                          "The email service does not answer",
	"Une étape a échoué (la base de données ou un service ne répond pas)": "A step failed (the database or a service does not answer)",
	// Fulfil (order_fulfil.go, fulfil.html)
	"Marquer comme expédié": "Mark as shipped", "Expédition": "Shipment", "Expéditions": "Shipments",
	"Articles expédiés": "Items shipped", "Reste à expédier": "Left to ship", "Quantité expédiée": "Quantity shipped",
	"Transporteur": "Carrier", "Autre transporteur": "Other carrier", "Autre (saisir ci-dessous)": "Other (type it below)",
	"Numéro de suivi": "Tracking number", "Numéro de suivi (facultatif)": "Tracking number (optional)",
	"Finaliser": "Complete", "Articles": "Items", "Marquer les articles comme expédiés": "Mark the items shipped",
	"Tous les articles restants sont sélectionnés : décochez ceux qui ne partent pas, ou changez la quantité. Les articles non physiques cochés sont marqués comme finalisés.": "Every item left is selected: untick those that do not leave, or change the quantity. Ticked non-physical items are marked completed.",
	// Errors shown to agents
	"Retour aux commandes": "Back to the orders",
	"Commande introuvable": "Order not found", "Tâche introuvable": "Task not found", "E-mail introuvable": "Email not found",
	"Page introuvable": "Page not found", "Requête invalide": "Bad request", "Action impossible": "Action not possible",
	"Cette adresse ne désigne aucune tâche.":                 "This address names no task.",
	"Cette adresse ne désigne aucun e-mail.":                 "This address names no email.",
	"Cette adresse ne correspond à aucune page d'orderdesk.": "This address is no page of orderdesk.",
	"Erreur interne": "Internal error",
	"La page n'a pas pu être affichée. Réessayez dans un instant ; si l'erreur persiste, transmettez la référence ci-dessous à l'équipe technique.": "The page could not be shown. Try again in a moment; if the error persists, give the reference below to the technical team.",
	"Procédures indisponibles": "Procedures unavailable",
	"Cette interface n'est pas reliée à Temporal : les procédures ne peuvent pas être lancées d'ici.": "This interface is not connected to Temporal: procedures cannot be started from here.",
	"Session expirée": "Session expired", "Votre session a expiré : reconnectez-vous, puis recommencez.": "Your session has expired: sign in again, then start over.",
	"Formulaire refusé": "Form refused",
	"Ce formulaire n'a pas de jeton de sécurité valide (page ouverte depuis trop longtemps, ou envoyée depuis un autre site). Rechargez la page et recommencez.": "This form has no valid security token (the page was open too long, or sent from another site). Reload the page and start over.",
	"Formulaire illisible.": "Unreadable form.", "Langue inconnue.": "Unknown language.",
	"Modification impossible : Temporal n'est pas relié à cette interface":                                                 "Cannot modify: Temporal is not connected to this interface",
	"Annulation impossible : Temporal n'est pas relié à cette interface":                                                   "Cannot cancel: Temporal is not connected to this interface",
	"Temporal n'est pas relié à cette interface : voici les procédures trouvées dans l'historique de la commande.":         "Temporal is not connected to this interface: here are the procedures found in the order's history.",
	"Temporal ne répond pas : voici les procédures trouvées dans l'historique de la commande ; leur état n'est pas connu.": "Temporal does not answer: here are the procedures found in the order's history; their state is unknown.",
	// Archiving, notes, resending emails (order_archive.go)
	"Archiver": "Archive", "Désarchiver": "Unarchive", "Commande archivée": "Order archived",
	"elle n'est plus dans les commandes en cours ; désarchivez-la pour lancer une procédure.": "it is no longer among the current orders; unarchive it to start a procedure.",
	"Ajouter une note": "Add a note", "Note (par exemple, un appel du client)": "Note (for example, a call from the customer)",
	"Aucun": "None", "Ajouter la note": "Add the note", "Renvoyer": "Resend", "Autre adresse (facultatif)": "Another address (optional)",
	"Archivage": "Archiving", "Désarchivage": "Unarchiving", "Renvoi d'un e-mail": "Email resent",
	"Commande déjà archivée": "Order already archived",
	// Edit details (order_edit.go)
	"Modifier les informations": "Edit details", "Modification des informations": "Details edit",
	"Confirmer la modification des informations": "Confirm the details edit", "Ce qui change": "What changes",
	"Information": "Detail", "Total de la commande": "Order total", "À rembourser au client": "To refund to the customer",
	"Aucune différence à régler": "No difference to settle", "Le total de la commande ne change pas.": "The order total does not change.",
	"Informer le client par e-mail": "Tell the customer by email", "Enregistrer les modifications": "Save the changes",
	"Téléphone": "Phone", "Complément d'adresse": "Address line 2",
	"Nom du mode de paiement": "Payment method name", "Nom du mode d'expédition": "Shipping method name",
	"Un pourcentage (10%), un montant (5,00) ou 0 pour aucune remise.": "A percentage (10%), an amount (5.00) or 0 for no discount.",
}

// english is the English text of a French one, or the French one.
func english(fr string) string {
	if en, ok := englishTexts[fr]; ok {
		return en
	}
	return fr
}

// langOf is the language of the signed-in agent: "en" for those who chose
// English, "fr" otherwise.
func langOf(r *http.Request) string {
	if a := agentOf(r); a != nil && a.Locale == "en" {
		return "en"
	}
	return "fr"
}

// printerOf is the printer of the request's agent: their language, Paris
// time.
func (s *server) printerOf(r *http.Request) *locale.Printer { return s.printer(langOf(r)) }

// tr says a message of the catalog in lang ("fr" or "en").
func tr(lang string, key locale.Key, args ...locale.Arg) string {
	return locale.For(locale.Parse(lang)).T(key, args...)
}

// statusArg is an order's status, said in lang, as a message's argument.
func statusArg(lang string, s order.Status) locale.Arg {
	return locale.Text(label(locale.For(locale.Parse(lang)), statusKeys, string(s)))
}

// procedureArg is a procedure's name, from its type or a workflow id, said
// in lang, as a message's argument.
func procedureArg(lang, typeOrID string) locale.Arg {
	return locale.Text(procedureLabel(locale.For(locale.Parse(lang)), typeOrID))
}

// logisticsArg is an order's logistics status, said in lang, as a
// message's argument.
func logisticsArg(lang string, s order.LogisticsStatus) locale.Arg {
	return locale.Text(label(locale.For(locale.Parse(lang)), logisticsKeys, string(s)))
}
