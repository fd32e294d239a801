package workflows

// NotifyNewOrder tells the shop that an order arrived: one merchant email
// per order (the NotifyMerchant step is keyed by the order), then its
// sending. Nothing waits for a person; nothing is compensated.

import (
	"go.temporal.io/sdk/workflow"

	"github.com/orderdesk/orderdesk/activities"
)

// NotifyNewOrderInput names the order that just arrived.
type NotifyNewOrderInput struct {
	OrderNumber string `json:"order_number"`
	// Lean: see Settings.Lean.
	Lean bool `json:"lean,omitempty"`
}

// NotifyNewOrder tells the shop a new order arrived (« vous
// recevez un message … pour vous informer qu'une nouvelle commande a été
// transmise »): one merchant email per order, whatever the retries.
func NotifyNewOrder(ctx workflow.Context, in NotifyNewOrderInput) error {
	var collect *activities.Collect
	ctx, _ = beginLean(ctx, in.Lean)
	ctx = workflow.WithActivityOptions(ctx, dbActivity)
	actor := activities.Actor{WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	var ref activities.EmailRef
	if err := db(ctx, collect.NotifyMerchant, activities.NotifyMerchantInput{
		OrderNumber: in.OrderNumber, Actor: actor, Key: ProcNotifyNewOrder + "/" + in.OrderNumber, Kind: activities.MerchantNewOrder,
	}).Get(ctx, &ref); err != nil {
		return err
	}
	if ref.ID == 0 && isLean(ctx) {
		return nil // no merchant address: nothing to send
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, mailActivity), collect.SendDocumentEmail, ref).Get(ctx, nil)
}
