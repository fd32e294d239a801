package locale

// Finding things: the customer view (every order and email of one
// customer), the outbox's filters, the order list's phone search, the
// sentence that says why an order's content cannot change, and the order's
// first history lines, said in the reader's language.
func init() {
	addPart(part{french: findingFrench, english: findingEnglish, params: findingParams})
}

var findingParams = map[Key][]Param{
	"blocked.modify_logistics":    {{"status", KindText}},
	"customer.title":              {{"email", KindText}},
	"customer.summary":            {{"n", KindCount}, {"amount", KindAmount}},
	"history.order_placed":        {{"n", KindCount}, {"amount", KindAmount}, {"method", KindText}},
	"history.payment_at_checkout": {{"amount", KindAmount}, {"method", KindText}, {"reference", KindText}},
}

var findingFrench = map[Key]string{
	"blocked.modify_logistics":    "Modification impossible : statut logistique « {status} »",
	"customer.emails":             "E-mails envoyés",
	"customer.link":               "Toutes ses commandes et ses e-mails",
	"customer.no_emails":          "Aucun e-mail écrit à ce client.",
	"customer.no_orders":          "Aucune commande pour cette adresse.",
	"customer.orders":             "Commandes",
	"customer.summary":            "{n} {n|commande|commandes}, {amount} au total.",
	"customer.title":              "Client {email}",
	"history.order_placed":        "Commande passée en ligne : {n} {n|article|articles}, {amount}, livraison {method}",
	"history.payment_at_checkout": "Paiement reçu : {amount} par {method} ({reference})",
	"outbox.filter_any":           "Tous",
	"outbox.filter_apply":         "Filtrer",
	"outbox.filter_order":         "Commande",
	"outbox.filter_reset":         "Tout voir",
	"outbox.filter_status":        "État",
	"outbox.filter_to":            "Destinataire",
	"outbox.no_match":             "Aucun e-mail ne correspond à ces filtres.",
}

var findingEnglish = map[Key]string{
	"blocked.modify_logistics":    "Cannot modify: logistics status “{status}”",
	"customer.emails":             "Emails sent",
	"customer.link":               "All their orders and emails",
	"customer.no_emails":          "No email written to this customer.",
	"customer.no_orders":          "No order for this address.",
	"customer.orders":             "Orders",
	"customer.summary":            "{n} {n|order|orders}, {amount} in all.",
	"customer.title":              "Customer {email}",
	"history.order_placed":        "Order placed online: {n} {n|item|items}, {amount}, shipping {method}",
	"history.payment_at_checkout": "Payment received: {amount} by {method} ({reference})",
	"outbox.filter_any":           "All",
	"outbox.filter_apply":         "Filter",
	"outbox.filter_order":         "Order",
	"outbox.filter_reset":         "Show all",
	"outbox.filter_status":        "Status",
	"outbox.filter_to":            "Recipient",
	"outbox.no_match":             "No email matches these filters.",
}
