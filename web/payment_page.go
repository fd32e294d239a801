package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/documents"
	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// paymentCollector is what the payment pages ask of the procedures (part
// of Starter); *starter.Collector implements it.
type paymentCollector interface {
	StartCollection(ctx context.Context, req starter.CollectRequest) (starter.Run, error)
	RecordPayment(ctx context.Context, req starter.RecordPaymentRequest) (workflows.PaymentAck, error)
	SendInvoice(ctx context.Context, orderNumber, requestID, agent string) (string, error)
	ConfirmPayment(ctx context.Context, orderNumber, requestID, agent string) error
	CreateInvoice(ctx context.Context, orderNumber, requestID, agent string) (store.Invoice, error)
	Collection(ctx context.Context, orderNumber string) (workflows.CollectionState, string, error)
}

// invoiceStore is what the payment pages read (part of OrderStore).
type invoiceStore interface {
	GetInvoice(ctx context.Context, number string) (store.Invoice, error)
	GetCreditNote(ctx context.Context, number string) (store.CreditNote, error)
	ListInvoices(ctx context.Context, orderID int64) ([]store.Invoice, error)
	ListCreditNotes(ctx context.Context, orderID int64) ([]store.CreditNote, error)
}

// paymentData is the order's « Paiement et factures » page.
type paymentData struct {
	Layout
	Order       order.Order
	Invoices    []store.Invoice
	CreditNotes []store.CreditNote
	Payments    []store.Payment
	Collection  *workflows.CollectionState
	WorkflowID  string
	RequestID   string
	Errors      fieldErrors
	Notice      string
	Means       []option
	// Due is what the order's ledger says the customer still owes.
	Due int64
	// What was typed, kept on a refusal.
	Form map[string]string
}

// Terminal reports whether the running collection is at the terminal (no
// means to choose).
func (d paymentData) Terminal() bool {
	return d.Collection != nil && d.Collection.Mode == activities.CollectTerminal
}

// CanStart reports whether a collection can be started from the page.
func (d paymentData) CanStart() bool { return d.Collection == nil }

// paymentPage is GET /orders/{number}/payment.
func (s *server) paymentPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.newPaymentData(r)
	if err != nil {
		return err
	}
	d.Notice = r.URL.Query().Get("ok")
	return s.render(w, http.StatusOK, "payment", d)
}

func (s *server) newPaymentData(r *http.Request) (paymentData, error) {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return paymentData{}, err
	}
	is := s.store
	lang := langOf(r)
	d := paymentData{Layout: Layout{Title: tr(lang, "payment.title", locale.Text(o.Number)), Nav: "orders"}, Order: o, Errors: fieldErrors{},
		RequestID: newRequestID(), Form: map[string]string{"date": s.now().In(s.paris).Format("2006-01-02")}}
	for _, m := range []order.PaymentMethod{order.PayCheque, order.PayMoneyOrder, order.PayBankTransfer} {
		d.Means = append(d.Means, option{string(m), label(locale.For(locale.Parse(lang)), paymentKeys, string(m))})
	}
	if d.Invoices, err = is.ListInvoices(ctx, o.ID); err != nil {
		return d, err
	}
	if d.CreditNotes, err = is.ListCreditNotes(ctx, o.ID); err != nil {
		return d, err
	}
	if d.Payments, err = s.store.ListPayments(ctx, o.ID); err != nil {
		return d, err
	}
	pos, err := s.store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return d, err
	}
	d.Due = pos.Due
	tctx, cancel := context.WithTimeout(ctx, s.procTimeout)
	st, id, err := s.starter.Collection(tctx, o.Number)
	cancel()
	if err != nil {
		s.log.Warn("web: reading the payment procedure", "order", o.Number, "err", err)
	} else if id != "" {
		d.Collection, d.WorkflowID = &st, id
	}
	return d, nil
}

// paymentAction is POST /orders/{number}/payment/{action}: start,
// record, confirm, send-invoice, create-invoice. A refusal re-renders the
// page with the message next to its field; success redirects back.
func (s *server) paymentAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c := s.starter
	d, err := s.newPaymentData(r)
	if err != nil {
		return err
	}
	for _, k := range []string{"mode", "amount", "means", "reference", "date", "balance", "reason", "confirm_overpayment"} {
		if v := r.PostFormValue(k); v != "" {
			d.Form[k] = v
		}
	}
	reqID := formRequestID(r)
	agent := agentOf(r).Email
	lang := langOf(r)
	// Recording a payment, sending the invoice or the confirmation waits
	// for the payment procedure to take it.
	uctx, cancel := updateContext(r, s.updateTimeout)
	defer cancel()
	number := d.Order.Number
	var notice string
	switch action := r.PathValue("action"); action {
	case "start":
		req := starter.CollectRequest{OrderNumber: number, RequestID: reqID, Agent: agent, Mode: r.PostFormValue("mode"),
			SendInvoice: r.PostFormValue("send_invoice") != "", Reason: r.PostFormValue("reason")}
		if b := r.PostFormValue("balance"); b != "" {
			var perr error
			if req.BalanceDue, perr = parseAmount(lang, b); perr != nil {
				d.Errors["balance"] = tr(lang, "form.enter_amount", locale.Text(amountInput(lang, 690)))
				break
			}
		}
		_, err = c.StartCollection(ctx, req)
		notice = tr(lang, "payment.collection_started")
		if err == nil {
			s.awaitCollection(ctx, number, func(st workflows.CollectionState, running bool) bool { return running && st.Waiting })
		}
	case "record":
		amount, perr := parseAmount(lang, r.PostFormValue("amount"))
		if perr != nil {
			d.Errors["amount"] = tr(lang, "form.enter_amount_received", locale.Text(amountInput(lang, 3190)))
			break
		}
		var received time.Time
		if v := r.PostFormValue("date"); v != "" {
			var perr error
			if received, perr = time.ParseInLocation("2006-01-02", v, s.paris); perr != nil {
				d.Errors["received_at"] = tr(lang, "form.enter_received_date")
				break
			}
		}
		var ack workflows.PaymentAck
		ack, err = s.recordPayment(uctx, ctx, &d, starter.RecordPaymentRequest{
			OrderNumber: number, RequestID: reqID, Agent: agent, Means: order.PaymentMethod(r.PostFormValue("means")),
			Amount: amount, Reference: r.PostFormValue("reference"), ReceivedAt: received,
			ConfirmOverpayment: r.PostFormValue("confirm_overpayment") != "",
		})
		switch {
		case ack.Balance > 0:
			notice = tr(lang, "payment.recorded_balance", locale.Amount(ack.Balance, d.Order.Currency))
		case ack.Overpaid > 0:
			notice = tr(lang, "payment.recorded_overpaid", locale.Amount(ack.Overpaid, d.Order.Currency))
		default:
			notice = tr(lang, "payment.recorded_paid")
		}
	case "confirm":
		err = c.ConfirmPayment(uctx, number, reqID, agent)
		notice = tr(lang, "payment.confirmation_sent")
	case "send-invoice":
		var n string
		n, err = c.SendInvoice(uctx, number, reqID, agent)
		notice = tr(lang, "payment.invoice_sent", locale.Text(n))
	case "create-invoice":
		var inv store.Invoice
		inv, err = c.CreateInvoice(ctx, number, reqID, agent)
		notice = tr(lang, "payment.invoice_created", locale.Text(inv.Number))
	default:
		return notFound(locale.Msg("error.page_not_found"), locale.Msg("error.unknown_action"))
	}
	if err != nil {
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			return err // a service that did not answer, a failure: not the agent's to fix here
		}
		field := fe.Field
		if field == "order" || field == "invoice" || field == "confirmation" || field == "mode" {
			field = "form"
		}
		d.Errors[field] = sayRefusal(fe, lang)
	}
	if len(d.Errors) > 0 {
		d.RequestID = reqID
		return s.render(w, http.StatusUnprocessableEntity, "payment", d)
	}
	http.Redirect(w, r, "/orders/"+url.PathEscape(number)+"/payment?ok="+url.QueryEscape(notice), http.StatusSeeOther)
	return nil
}

// invoicePDF is GET /invoices/{number}.pdf and /credit-notes/{number}.pdf:
// the document to print (« Imprimez la facture »).
func (s *server) documentPDF(w http.ResponseWriter, r *http.Request) error {
	is := s.store
	number := strings.TrimSuffix(r.PathValue("file"), ".pdf")
	var b []byte
	if strings.HasPrefix(r.URL.Path, "/credit-notes/") {
		cn, err := is.GetCreditNote(r.Context(), number)
		if errors.Is(err, store.ErrNotFound) {
			return notFound(locale.Msg("error.credit_note_not_found"), locale.Msg("error.no_credit_note_numbered", locale.Text(number)))
		}
		if err != nil {
			return err
		}
		if b, err = documents.CreditNote(cn); err != nil {
			return err
		}
	} else {
		inv, err := is.GetInvoice(r.Context(), number)
		if errors.Is(err, store.ErrNotFound) {
			return notFound(locale.Msg("error.invoice_not_found"), locale.Msg("error.no_invoice_numbered", locale.Text(number)))
		}
		if err != nil {
			return err
		}
		if b, err = documents.Invoice(inv); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", documents.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+number+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(b)
	return err
}
