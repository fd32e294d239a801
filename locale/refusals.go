package locale

// The refusals: what the domain, the store, the payment providers' seam
// and the CLI refuse, each said by a "refusal." key with typed arguments
// (order.Refuse). Each says what is wrong and what to do. Every call of
// order.Refuse is checked against this part by order's refusals_test.go.
func init() {
	addPart(part{french: refusalsFrench, english: refusalsEnglish, params: refusalsParams})
}

var refusalsParams = map[Key][]Param{
	"refusal.refund_above_paid":   {{"refund", KindAmount}, {"paid", KindAmount}},
	"refusal.refund_not_positive": {{"refund", KindAmount}},
}

var refusalsFrench = map[Key]string{
	"refusal.refund_above_paid":   "Le remboursement ({refund}) dépasse ce que le client a payé net ({paid}) : remboursez au plus {paid}.",
	"refusal.refund_not_positive": "Un remboursement doit être supérieur à 0 (saisi : {refund}) : saisissez le montant à rembourser.",
}

var refusalsEnglish = map[Key]string{
	"refusal.refund_above_paid":   "The refund ({refund}) is more than the {paid} paid net of earlier refunds: refund at most {paid}.",
	"refusal.refund_not_positive": "A refund must be above 0 (got {refund}): type the amount to refund.",
}
