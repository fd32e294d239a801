package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// Returns in the agent UI: the order page's « Retours » (each return of
// the order, its status, a link to its procedure, « Colis reçu » while
// the parcel is awaited) and its action « Retour d'articles », the form
// that starts the return procedure, and the inspection's answer per line.

// returnStarter is the starter's return procedure; *starter.Collector
// implements it.
type returnStarter interface {
	StartReturn(ctx context.Context, req starter.ReturnRequest) (starter.ReturnRun, error)
	Receive(ctx context.Context, req starter.ReceiveRequest) (store.Return, error)
}

// returnLister reads an order's returns; *store.Store implements it.
type returnLister interface {
	ListReturns(ctx context.Context, orderID int64) ([]store.Return, error)
	ReturnLabels(ctx context.Context, orderID int64) (map[string]store.ReturnLabel, error)
}

// The labels of a return's codes, and of its procedure, tasks and
// answers (added to format.go's).
var (
	returnStatusKeys = map[string]locale.Key{
		store.ReturnRequested: "return_status.requested", store.ReturnAuthorised: "return_status.authorised",
		store.ReturnReceived: "return_status.received", store.ReturnInspected: "return_status.inspected",
		store.ReturnRefunded: "return_status.refunded", store.ReturnExchanged: "return_status.exchanged",
		store.ReturnRefused: "return_status.refused", store.ReturnExpired: "return_status.expired",
		store.ReturnCancelled: "return_status.cancelled",
	}
	returnReasonKeys = map[string]locale.Key{
		string(order.ReturnWithdrawal): "return_reason.withdrawal", string(order.ReturnDamaged): "return_reason.damaged",
		string(order.ReturnWrongItem): "return_reason.wrong_item", string(order.ReturnOther): "return_reason.other",
	}
	returnResolutionKeys = map[string]locale.Key{
		string(order.ReturnRefund): "return_resolution.refund", string(order.ReturnExchange): "return_resolution.exchange",
	}
)

// returnLabel says a return's code in lang.
func returnLabel(lang string, keys map[string]locale.Key, code string) string {
	return label(locale.For(locale.Parse(lang)), keys, code)
}

// returnRow is one return of the order page's « Retours ».
type returnRow struct {
	store.Return
	StatusLabel, ReasonLabel, ResolutionLabel string
	Items                                     string // "1 × Mug Tour Eiffel, ..."
	AwaitsParcel                              bool   // « Colis reçu » is offered
	// Label is the carrier's prepaid label, zero without one.
	Label store.ReturnLabel
}

// Parcel is the parcel's id, or "" before it is received.
func (r returnRow) Parcel() string {
	if r.ParcelID == nil {
		return ""
	}
	return *r.ParcelID
}

// returnsOf reads the order's returns for its page, oldest first.
func (s *server) returnsOf(ctx context.Context, lang string, o order.Order) ([]returnRow, error) {
	list, err := s.store.ListReturns(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	labels, err := s.store.ReturnLabels(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]returnRow, 0, len(list))
	for _, r := range list {
		row := returnRow{Return: r, Label: labels[r.Number],
			StatusLabel:     returnLabel(lang, returnStatusKeys, r.Status),
			ReasonLabel:     returnLabel(lang, returnReasonKeys, string(r.Reason)),
			ResolutionLabel: returnLabel(lang, returnResolutionKeys, string(r.Resolution)),
			AwaitsParcel:    r.ReceivedAt == nil && (r.Status == store.ReturnRequested || r.Status == store.ReturnAuthorised),
		}
		items := make([]string, 0, len(r.Lines))
		for _, l := range r.Lines {
			name := strconv.FormatInt(l.LineID, 10)
			if ol, ok := o.Line(l.LineID); ok {
				name = ol.Name
			}
			items = append(items, strconv.FormatInt(l.Quantity, 10)+" × "+name)
		}
		row.Items = strings.Join(items, ", ")
		rows = append(rows, row)
	}
	return rows, nil
}

// returnedOf is how many items of each line the returns take back.
func returnedOf(rows []returnRow) map[int64]int64 {
	m := map[int64]int64{}
	for _, r := range rows {
		if !r.Counts() {
			continue
		}
		for _, l := range r.Lines {
			q := l.Quantity
			if l.Accepted != nil {
				q = *l.Accepted
			}
			m[l.LineID] += q
		}
	}
	return m
}

// returnBlocked says why no item of the order can come back now, or "".
func returnBlocked(o order.Order, returned map[int64]int64, lang string) string {
	shipped := false
	for _, l := range o.Lines {
		if l.Delivered() > 0 {
			shipped = true
		}
		if order.Returnable(l, returned[l.ID]) > 0 {
			return ""
		}
	}
	if !shipped {
		return tr(lang, "order.return_none_shipped")
	}
	return tr(lang, "order.return_all_returned")
}

// ReturnBlocked is why the order page's « Retour d'articles » is greyed
// out, or "".
func (d orderPageData) ReturnBlocked() string {
	return returnBlocked(d.Order, returnedOf(d.Returns), d.Lang)
}

// returnLine is one shipped line of the return form.
type returnLine struct {
	order.Line
	Shipped, Returned, Returnable int64
	Qty                           string
}

// returnData is the data of the return form.
type returnData struct {
	Layout
	Order                       order.Order
	Lines                       []returnLine
	Reasons                     []returnChoice
	Resolutions                 []returnChoice
	Reason, Resolution          string
	ExSKU, ExName, ExPrice, ExQ string // the item sent in exchange, as typed
	RequestID                   string
	Errors                      fieldErrors
	lang                        string
}

type returnChoice struct{ Value, Label string }

func (s *server) newReturnData(r *http.Request, o order.Order) (returnData, error) {
	lang := langOf(r)
	d := returnData{Layout: Layout{Title: tr(lang, "return.title", locale.Text(o.Number)), Nav: "orders"},
		Order: o, Errors: fieldErrors{}, lang: lang, Reason: string(order.ReturnWithdrawal), Resolution: string(order.ReturnRefund)}
	rows, err := s.returnsOf(r.Context(), lang, o)
	if err != nil {
		return d, err
	}
	returned := returnedOf(rows)
	for _, l := range o.Lines {
		if l.Delivered() == 0 {
			continue
		}
		d.Lines = append(d.Lines, returnLine{Line: l, Shipped: l.Delivered(), Returned: returned[l.ID], Returnable: order.Returnable(l, returned[l.ID]), Qty: "0"})
	}
	for _, why := range order.ReturnReasons() {
		d.Reasons = append(d.Reasons, returnChoice{string(why), returnLabel(lang, returnReasonKeys, string(why))})
	}
	for _, res := range []order.ReturnResolution{order.ReturnRefund, order.ReturnExchange} {
		d.Resolutions = append(d.Resolutions, returnChoice{string(res), returnLabel(lang, returnResolutionKeys, string(res))})
	}
	if reason := returnBlocked(o, returned, lang); reason != "" {
		return d, blockedPage(reason)
	}
	return d, nil
}

// returnForm is GET /orders/{number}/return.
func (s *server) returnForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrder(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	d, err := s.newReturnData(r, o)
	if err != nil {
		return err
	}
	d.RequestID = newRequestID()
	return s.render(w, http.StatusOK, "return", d)
}

// returnSubmit is POST /orders/{number}/return: starts the return
// procedure through the starter and shows its page; bad input shows the
// form again with the message next to the field, and nothing is started.
func (s *server) returnSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	if done, err := s.startedBefore(w, r, workflows.ProcReturn, o.Number); done || err != nil {
		return err
	}
	d, err := s.newReturnData(r, o)
	if err != nil {
		return err
	}
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	d.RequestID, d.Reason, d.Resolution = v("request_id"), v("reason"), v("resolution")
	d.ExSKU, d.ExName, d.ExPrice, d.ExQ = v("ex_sku"), v("ex_name"), v("ex_price"), v("ex_qty")
	req := order.ReturnRequest{Reason: order.ReturnReason(d.Reason), Resolution: order.ReturnResolution(d.Resolution)}
	for i := range d.Lines {
		l := &d.Lines[i]
		field := "qty_" + strconv.FormatInt(l.ID, 10)
		l.Qty = v(field)
		if l.Qty == "" {
			l.Qty = "0"
		}
		q, msg := typedQuantity(d.lang, l.Qty, l.Returnable, tr(d.lang, "return.returnable", locale.Count(int(l.Returnable))))
		if msg != "" {
			d.Errors[field] = msg
			continue
		}
		if q > 0 {
			req.Lines = append(req.Lines, order.ReturnLine{LineID: l.ID, Quantity: q})
		}
	}
	if len(d.Errors) == 0 && len(req.Lines) == 0 {
		d.Errors["form"] = tr(d.lang, "return.no_quantity")
	}
	if req.Resolution == order.ReturnExchange && (d.ExSKU != "" || d.ExName != "") {
		ex := order.Line{SKU: d.ExSKU, Name: d.ExName, VATRate: 2000, Physical: true, Quantity: 1}
		if len(o.Lines) > 0 {
			ex.VATRate = o.Lines[0].VATRate
		}
		if d.ExQ != "" {
			q, err := formInt64(d.ExQ)
			if err != nil {
				d.Errors["ex_qty"] = tr(d.lang, "form.whole_number")
			}
			ex.Quantity = q
		}
		if p, err := order.ParseCents(d.ExPrice); err != nil {
			d.Errors["ex_price"] = tr(d.lang, "refusal.amount_unreadable", locale.Text(d.ExPrice))
		} else {
			ex.UnitPrice = p
		}
		req.Exchange = []order.Line{ex}
	}
	if len(d.Errors) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "return", d)
	}
	a := agentOf(r)
	run, err := s.starter.StartReturn(ctx, starter.ReturnRequest{OrderNumber: o.Number, RequestID: d.RequestID, Agent: a.Email, Request: req})
	if err != nil {
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		field := fe.Field
		if strings.HasPrefix(field, "lines[") {
			field = "form"
			index, _, _ := strings.Cut(strings.TrimPrefix(fe.Field, "lines["), "]")
			if i, err := strconv.Atoi(index); err == nil && i < len(req.Lines) {
				field = "qty_" + strconv.FormatInt(req.Lines[i].LineID, 10)
			}
		}
		switch {
		case field == "reason", field == "resolution", strings.HasPrefix(field, "qty_"):
		case strings.HasPrefix(field, "exchange"):
			field = "exchange"
		default:
			field = "form"
		}
		d.Errors[field] = sayRefusal(fe, d.lang)
		return s.render(w, http.StatusUnprocessableEntity, "return", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// receiptSubmit is POST /orders/{number}/receipt: « Colis reçu » on a
// return of the order, recorded through the starter (the same parcel twice
// is recorded once); then the return's procedure page, which asks for the
// inspection.
func (s *server) receiptSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	number := strings.TrimSpace(r.PostFormValue("return"))
	rows, err := s.returnsOf(ctx, langOf(r), o)
	if err != nil {
		return err
	}
	var ret *returnRow
	for i := range rows {
		if rows[i].Number == number {
			ret = &rows[i]
		}
	}
	if ret == nil {
		return notFound(locale.Msg("error.page_not_found"), locale.Msg("error.no_such_page"))
	}
	uctx, cancel := updateContext(r, s.updateTimeout)
	defer cancel()
	_, err = s.starter.Receive(uctx, starter.ReceiveRequest{Return: ret.Number, ParcelID: strings.TrimSpace(r.PostFormValue("parcel_id")), Agent: agentOf(r).Email})
	if err != nil {
		var fe *order.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		return blockedPage(sayRefusal(fe, langOf(r)))
	}
	http.Redirect(w, r, procedureURL(ret.WorkflowID), http.StatusSeeOther)
	return nil
}

// readInspection reads an inspection accepted in part: "accepted_lines"
// as SKU=quantity pairs separated by commas (a line id works too), and
// the reason for the items refused; an inspection refused needs its
// reason. The procedure checks the quantities again.
func (s *server) readInspection(ctx context.Context, t store.Task, f *taskForm, ans *workflows.TaskAnswer, lang string) {
	if t.Kind != workflows.TaskInspectReturn {
		return
	}
	ans.Reason = strings.TrimSpace(f.Values.Get("reason"))
	switch f.Outcome {
	case workflows.AnswerRefuseReturn:
		if ans.Reason == "" {
			f.Errors["reason"] = tr(lang, "answer.why_refuse_return")
		}
	case workflows.AnswerAcceptPart:
		typed := strings.TrimSpace(f.Values.Get("accepted_lines"))
		if typed == "" {
			f.Errors["accepted_lines"] = tr(lang, "answer.which_lines_accept")
			return
		}
		o, err := s.store.GetOrder(ctx, t.OrderNumber)
		if err != nil {
			f.Errors["form"] = tr(lang, "answer.no_longer_waited")
			return
		}
		for _, pair := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			key, val, ok := strings.Cut(pair, "=")
			q, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
			l, found := o.LineBySKU(strings.TrimSpace(key))
			if !found {
				if id, err := strconv.ParseInt(strings.TrimSpace(key), 10, 64); err == nil {
					l, found = o.Line(id)
				}
			}
			if !ok || err != nil || !found {
				f.Errors["accepted_lines"] = tr(lang, "answer.inspect_lines_format")
				return
			}
			ans.Lines = append(ans.Lines, workflows.InspectedLine{LineID: l.ID, Accepted: q, Restocked: true})
		}
	}
}
