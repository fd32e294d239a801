package starter

import (
	"context"
	"encoding/json"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// The starter reads and writes the store through these, which type
// PostgreSQL not answering as an *UnavailableError (dbErr), so every error
// the starter returns says which service did not answer.

type dbOrders struct{ o Orders }

func (d dbOrders) GetOrder(ctx context.Context, number string) (order.Order, error) {
	o, err := d.o.GetOrder(ctx, number)
	return o, dbErr(err)
}

func (d dbOrders) GetTask(ctx context.Context, id int64) (store.Task, error) {
	t, err := d.o.GetTask(ctx, id)
	return t, dbErr(err)
}

func (d dbOrders) PaidNet(ctx context.Context, orderID int64) (int64, error) {
	n, err := d.o.PaidNet(ctx, orderID)
	return n, dbErr(err)
}

func (d dbOrders) MoneyPosition(ctx context.Context, orderID int64) (order.Position, error) {
	p, err := d.o.MoneyPosition(ctx, orderID)
	return p, dbErr(err)
}

func (d dbOrders) AgentByEmail(ctx context.Context, email string) (store.Agent, error) {
	a, err := d.o.AgentByEmail(ctx, email)
	return a, dbErr(err)
}

func (d dbOrders) CloseTask(ctx context.Context, key, status string, answer json.RawMessage, by string) (store.Task, error) {
	t, err := d.o.CloseTask(ctx, key, status, answer, by)
	return t, dbErr(err)
}

func (d dbOrders) SaveBankAccount(ctx context.Context, orderID int64, iban, typedBy string) (string, error) {
	ref, err := d.o.SaveBankAccount(ctx, orderID, iban, typedBy)
	return ref, dbErr(err)
}

func (d dbOrders) AddEvent(ctx context.Context, ev store.Event) (store.Event, error) {
	e, err := d.o.AddEvent(ctx, ev)
	return e, dbErr(err)
}

type dbHistory struct{ h HistoryStore }

func (d dbHistory) OpenTaskCount(ctx context.Context, orderID int64) (int, error) {
	n, err := d.h.OpenTaskCount(ctx, orderID)
	return n, dbErr(err)
}

func (d dbHistory) AddEvent(ctx context.Context, ev store.Event) (store.Event, error) {
	e, err := d.h.AddEvent(ctx, ev)
	return e, dbErr(err)
}

func (d dbHistory) GetEmail(ctx context.Context, id int64) (store.Email, error) {
	e, err := d.h.GetEmail(ctx, id)
	return e, dbErr(err)
}

type dbCollect struct{ c CollectStore }

func (d dbCollect) GetOrder(ctx context.Context, number string) (order.Order, error) {
	o, err := d.c.GetOrder(ctx, number)
	return o, dbErr(err)
}

func (d dbCollect) MoneyPosition(ctx context.Context, orderID int64) (order.Position, error) {
	p, err := d.c.MoneyPosition(ctx, orderID)
	return p, dbErr(err)
}

func (d dbCollect) GetInvoice(ctx context.Context, number string) (store.Invoice, error) {
	i, err := d.c.GetInvoice(ctx, number)
	return i, dbErr(err)
}

func (d dbCollect) CreateInvoice(ctx context.Context, req store.InvoiceRequest) (store.Invoice, error) {
	i, err := d.c.CreateInvoice(ctx, req)
	return i, dbErr(err)
}

func (d dbCollect) PaymentByKey(ctx context.Context, key string) (store.Payment, error) {
	p, err := d.c.PaymentByKey(ctx, key)
	return p, dbErr(err)
}

func (d dbCollect) CollectionWorkflows(ctx context.Context, number string) ([]string, error) {
	ids, err := d.c.CollectionWorkflows(ctx, number)
	return ids, dbErr(err)
}

func (d dbCollect) AddPayment(ctx context.Context, p store.Payment) (store.Payment, error) {
	saved, err := d.c.AddPayment(ctx, p)
	return saved, dbErr(err)
}

func (d dbCollect) CreateTask(ctx context.Context, t store.Task) (store.Task, error) {
	saved, err := d.c.CreateTask(ctx, t)
	return saved, dbErr(err)
}

func (d dbCollect) AddEvent(ctx context.Context, ev store.Event) (store.Event, error) {
	e, err := d.c.AddEvent(ctx, ev)
	return e, dbErr(err)
}
