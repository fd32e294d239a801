package locale

// Returns: the refusals of a return request.
func init() {
	addPart(part{french: returnsFrench, english: returnsEnglish, params: returnsParams})
}

var returnsParams = map[Key][]Param{
	"refusal.return_reason_unknown":            {{"reason", KindText}},
	"refusal.return_resolution_unknown":        {{"resolution", KindText}},
	"refusal.return_exchange_price":            {{"price", KindAmount}},
	"refusal.return_line_unknown":              {{"line", KindCount}, {"order", KindText}},
	"refusal.return_line_twice":                {{"sku", KindText}},
	"refusal.return_quantity_not_positive":     {{"quantity", KindCount}},
	"refusal.return_quantity_above_shipped":    {{"quantity", KindCount}, {"sku", KindText}, {"shipped", KindCount}, {"returned", KindCount}},
	"refusal.return_no_lines":                  nil,
	"refusal.return_exchange_empty":            nil,
	"refusal.return_exchange_without_exchange": nil,
}

var returnsFrench = map[Key]string{
	"refusal.return_reason_unknown":            "Motif de retour inconnu : « {reason} ». Choisissez rétractation, article endommagé, erreur d'article ou autre.",
	"refusal.return_resolution_unknown":        "« {resolution} » n'est ni un remboursement ni un échange : choisissez l'un des deux.",
	"refusal.return_exchange_price":            "Prix d'un article d'échange impossible : {price}. Indiquez un prix entre 0 et 10 000 000 €.",
	"refusal.return_line_unknown":              "La ligne {line} n'est pas une ligne de la commande {order} : choisissez les articles dans la liste de la commande.",
	"refusal.return_line_twice":                "L'article {sku} est indiqué deux fois : donnez une seule quantité par article.",
	"refusal.return_quantity_not_positive":     "Quantité retournée impossible : {quantity}. Indiquez au moins 1 article.",
	"refusal.return_quantity_above_shipped":    "{quantity} × {sku} ne peuvent pas revenir : {shipped} {shipped|expédié|expédiés}, dont {returned} déjà {returned|retourné|retournés}. Indiquez au plus les articles expédiés et pas encore retournés.",
	"refusal.return_no_lines":                  "Aucun article retourné : indiquez au moins un article et sa quantité.",
	"refusal.return_exchange_empty":            "Un échange sans article : indiquez les articles envoyés à la place, ou choisissez un remboursement.",
	"refusal.return_exchange_without_exchange": "Des articles d'échange pour un remboursement : choisissez l'échange, ou retirez ces articles.",
}

var returnsEnglish = map[Key]string{
	"refusal.return_reason_unknown":            "Unknown return reason: “{reason}”. Choose withdrawal, damaged, wrong item or other.",
	"refusal.return_resolution_unknown":        "“{resolution}” is neither a refund nor an exchange: choose one of them.",
	"refusal.return_exchange_price":            "Impossible price for an exchange item: {price}. Give a price between 0 and €10,000,000.",
	"refusal.return_line_unknown":              "Line {line} is not a line of order {order}: choose the items from the order's list.",
	"refusal.return_line_twice":                "Item {sku} is given twice: give one quantity per item.",
	"refusal.return_quantity_not_positive":     "Impossible quantity returned: {quantity}. Give at least 1 item.",
	"refusal.return_quantity_above_shipped":    "{quantity} × {sku} cannot come back: {shipped} shipped, {returned} of them already returned. Give at most the items shipped and not yet returned.",
	"refusal.return_no_lines":                  "No item returned: give at least one item and its quantity.",
	"refusal.return_exchange_empty":            "An exchange without items: give the items sent instead, or choose a refund.",
	"refusal.return_exchange_without_exchange": "Exchange items for a refund: choose the exchange, or remove those items.",
}
