package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/workflows"
)

// modifyLine is one product of the modify-content form, with what the
// agent typed for it ("modifier le SKU et le nom, modifier le
// prix, modifier la quantité").
type modifyLine struct {
	order.Line
	Selected bool   // the agent changes this product
	Qty      string // "Qté fin", as typed: 0 removes, more than ordered raises
	SKUIn    string // the SKU, as typed
	NameIn   string // the name, as typed
	Price    string // the unit price incl. VAT, as typed ("12,50")
}

// addRow is one "Ajouter un produit" row of the form, as typed. Its fields
// are named add[i].sku, add[i].name... as the domain names them.
type addRow struct {
	Index                      int
	SKU, Name, Price, Qty, VAT string
	Physical                   bool
}

// Field is the form name of one of the row's fields: add[1].sku.
func (a addRow) Field(name string) string { return fmt.Sprintf("add[%d].%s", a.Index, name) }

// blank reports whether the agent left the row empty: it is then ignored.
func (a addRow) blank() bool {
	return strings.TrimSpace(a.SKU) == "" && strings.TrimSpace(a.Name) == "" && strings.TrimSpace(a.Price) == ""
}

// maxAddRows bounds the rows a form can carry, so a hand-made POST cannot
// make the page arbitrarily long.
const maxAddRows = 50

// modifyData is the data of the modify-content form and of its
// confirmation (the shop's windows "Sélection de produits", the quantities,
// then "Confirmation et règlement"; the shop's edits and added products).
type modifyData struct {
	Layout
	Order     order.Order
	Lines     []modifyLine
	Add       []addRow
	VATRates  []option
	Recalc    bool
	Channel   string
	Channels  []option
	RequestID string
	Errors    fieldErrors

	// The confirmation.
	Preview order.ContentResult
	Change  order.ContentChange
	Settle  order.Settlement
	// ShippingNote and Summary are the domain's sentences on the fee and
	// the money, in the agent's language.
	ShippingNote, Summary string
	Threshold             int64
	// Hidden is the form as typed, carried by the confirmation's buttons.
	Hidden []option

	lang      string // the agent's language, for the messages made here
	automatic bool   // a provider refunds the order's means of payment
	// Where the domain's indexes point in the form: quantities[i] and
	// edits[i] to a line id, add[i] to a row of the form.
	qtyLine, editLine []int64
	addIndex          []int
}

// NeedsApproval reports whether the refund waits for a supervisor.
func (d modifyData) NeedsApproval() bool { return d.Threshold > 0 && d.Settle.Refund > d.Threshold }

// Automatic reports whether the provider refunds the customer at once,
// without asking the agent anything.
func (d modifyData) Automatic() bool { return d.automatic }

// Cheque reports whether the customer pays by cheque (money to give back
// then goes back by the means chosen with them).
func (d modifyData) Cheque() bool { return d.Order.PaymentMethod == order.PayCheque }

// modifyBlocked says why the order's content cannot be changed now, in the
// agent's language, or "" when it can.
func modifyBlocked(o order.Order, lang string) string {
	switch {
	case o.Status == order.StatusCancelled:
		return tr(lang, "blocked.modify_order_is", statusArg(lang, o.Status))
	case o.ArchivedAt != nil:
		return tr(lang, "blocked.modify_archived")
	case o.Logistics != order.LogisticsAwaitingPrinting:
		return tr(lang, "blocked.modify_logistics", logisticsArg(lang, o.Logistics))
	case o.HoldBy != "":
		return heldBy(o.HoldBy, lang)
	}
	return ""
}

// heldBy says that another procedure holds the order.
func heldBy(proc, lang string) string {
	return tr(lang, "blocked.modify_held", procedureArg(lang, proc))
}

// loadOrder reads the order of the URL, or the "commande introuvable" page.
func (s *server) loadOrder(ctx context.Context, number string) (order.Order, error) {
	o, err := s.store.GetOrder(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return o, notFound(locale.Msg("error.order_not_found"), locale.Msg("error.no_order_numbered", locale.Text(number)))
	}
	return o, err
}

// blockedPage refuses an action the order's state forbids, with the reason.
func blockedPage(reason string) error {
	return &pageError{status: http.StatusConflict, title: locale.Msg("error.action_impossible"), message: locale.Literal(reason)}
}

// modifyForm is GET /orders/{number}/modify: choose the products and their
// new quantities, edit them, add products. The request id is made here, so
// that submitting the same form twice starts one procedure.
func (s *server) modifyForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrder(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	lang := langOf(r)
	if reason := modifyBlocked(o, lang); reason != "" {
		return blockedPage(reason)
	}
	d := s.newModifyData(o, lang)
	d.Recalc = true // the modify-content procedure: "Laisser cochée la case Recalculer les frais de port"
	d.RequestID = newRequestID()
	for _, l := range o.Lines {
		d.Lines = append(d.Lines, modifyLine{Line: l, Qty: strconv.FormatInt(l.Remaining(), 10),
			SKUIn: l.SKU, NameIn: l.Name, Price: amountInput(lang, l.UnitPrice)})
	}
	return s.render(w, http.StatusOK, "modify_form", d)
}

func (s *server) newModifyData(o order.Order, lang string) modifyData {
	d := modifyData{Layout: Layout{Title: tr(lang, "modify.title", locale.Text(o.Number)), Nav: "orders"}, Order: o,
		Errors: fieldErrors{}, Threshold: s.threshold, lang: lang, automatic: s.refunds.RefundsAutomatically(o.PaymentMethod)}
	p := locale.For(locale.Parse(lang))
	for _, c := range order.ContactChannels {
		d.Channels = append(d.Channels, option{string(c), label(p, channelKeys, string(c))})
	}
	for _, bp := range order.VATRates {
		d.VATRates = append(d.VATRates, option{strconv.FormatInt(bp, 10), p.Percent(bp)})
	}
	return d
}

// modifySubmit is POST /orders/{number}/modify. The form's button says
// what to do: "add" gives the form one more "Ajouter un produit" row,
// "preview" shows the confirmation, "edit" goes back to the form with what
// was typed, "confirm" starts the procedure and shows its progress.
func (s *server) modifySubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	d := s.newModifyData(o, langOf(r))
	d.RequestID = formRequestID(r)
	step := r.PostFormValue("step")
	change := d.readForm(r)
	switch step {
	case "edit":
		return s.render(w, http.StatusOK, "modify_form", d)
	case "add":
		if len(d.Add) < maxAddRows {
			d.Add = append(d.Add, newAddRow(len(d.Add)))
		}
		clear(d.Errors) // nothing was submitted yet: no reproach
		return s.render(w, http.StatusOK, "modify_form", d)
	case "confirm":
		if done, err := s.startedBefore(w, r, workflows.ProcModifyContent, o.Number); done || err != nil {
			return err
		}
	}
	if reason := modifyBlocked(o, d.lang); reason != "" {
		d.Errors["form"] = reason
	}
	if len(d.Errors) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "modify_form", d)
	}
	paid, err := s.store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return err
	}
	pv, err := order.Preview(o, change, paid)
	if err != nil {
		if !d.refusal(err) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "modify_form", d)
	}
	if step != "confirm" {
		d.Preview, d.Change, d.Settle = pv.Result, change, pv.Settlement
		d.ShippingNote = pv.Result.Shipping.Note(o.Currency, d.lang)
		d.Summary = pv.Settlement.Summary(o.Currency, d.lang)
		d.Title = tr(d.lang, "modify.confirm_title")
		d.Hidden = d.hidden()
		return s.render(w, http.StatusOK, "modify_confirm", d)
	}
	a := agentOf(r)
	run, err := s.starter.ModifyContent(ctx, starter.ModifyContentRequest{
		OrderNumber: o.Number, RequestID: d.RequestID, Agent: a.Email, Role: a.Role,
		Channel: order.ContactChannel(d.Channel), Change: change,
		// the shop's last window: the agent reads the email, then sends it
		// as is, with a paragraph of their own, or not at all.
		Notify: true, ReviewEmail: true,
	})
	if err != nil {
		if !d.refusal(err) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "modify_form", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// newAddRow is an empty "Ajouter un produit" row: one physical item at 20 %.
func newAddRow(i int) addRow {
	return addRow{Index: i, Qty: "1", VAT: strconv.FormatInt(order.VATRates[len(order.VATRates)-1], 10), Physical: true}
}

// readForm reads the products (ticked, quantities, SKU, name, price), the
// added products, the shipping box and the contact channel, keeping what
// was typed and noting what is wrong next to its field. Removing and
// lowering a product alone is a Quantities entry; any other
// change of a line is an Edit, which then carries its quantity too.
func (d *modifyData) readForm(r *http.Request) order.ContentChange {
	lang := d.lang
	selected := tickedLines(r)
	var c order.ContentChange
	for _, l := range d.Order.Lines {
		id := strconv.FormatInt(l.ID, 10)
		left := l.Remaining()
		ml := modifyLine{Line: l, Selected: selected[id], Qty: r.PostFormValue("qty_" + id),
			SKUIn: r.PostFormValue("sku_" + id), NameIn: r.PostFormValue("name_" + id), Price: r.PostFormValue("price_" + id)}
		// A field the form did not send is left as it is.
		if _, sent := r.PostForm["qty_"+id]; !sent {
			ml.Qty = strconv.FormatInt(left, 10)
		}
		if _, sent := r.PostForm["sku_"+id]; !sent {
			ml.SKUIn = l.SKU
		}
		if _, sent := r.PostForm["name_"+id]; !sent {
			ml.NameIn = l.Name
		}
		if _, sent := r.PostForm["price_"+id]; !sent {
			ml.Price = amountInput(lang, l.UnitPrice)
		}
		d.Lines = append(d.Lines, ml)

		q, bad := typedQuantity(lang, ml.Qty, order.MaxQuantity, tr(lang, "modify.at_most_per_line", locale.Count(order.MaxQuantity)))
		if bad != "" {
			d.Errors["qty_"+id] = bad
		}
		price, perr := parseAmount(lang, ml.Price)
		if perr != nil {
			d.Errors["price_"+id] = tr(lang, "form.enter_price", locale.Text(amountInput(lang, 1250)))
		}
		sku, name := strings.TrimSpace(ml.SKUIn), strings.TrimSpace(ml.NameIn)
		if sku == "" {
			d.Errors["sku_"+id] = tr(lang, "form.enter_sku")
		}
		if name == "" {
			d.Errors["name_"+id] = tr(lang, "form.enter_product_name")
		}
		if d.Errors["qty_"+id] != "" || d.Errors["price_"+id] != "" || sku == "" || name == "" {
			continue
		}
		if q == 0 { // removed: whatever else was typed for it goes with it
			c.Quantities = append(c.Quantities, order.LineQuantity{LineID: l.ID, Quantity: 0})
			d.qtyLine = append(d.qtyLine, l.ID)
			continue
		}
		e := order.LineEdit{LineID: l.ID}
		edited := false
		if sku != l.SKU {
			e.SKU, edited = &sku, true
		}
		if name != l.Name {
			e.Name, edited = &name, true
		}
		if price != l.UnitPrice {
			e.UnitPrice, edited = &price, true
		}
		if edited || q > left {
			if q != left {
				e.Quantity = &q
			}
			c.Edits = append(c.Edits, e)
			d.editLine = append(d.editLine, l.ID)
			continue
		}
		// Lowered, or ticked: the shop's "Qté fin". A product counts when
		// ticked, or when its quantity was changed without ticking it
		// (the agent's intent is plain).
		if ml.Selected || q != left {
			c.Quantities = append(c.Quantities, order.LineQuantity{LineID: l.ID, Quantity: q})
			d.qtyLine = append(d.qtyLine, l.ID)
		}
	}
	d.readAdd(r, &c)
	c.RecalcShipping = r.PostFormValue("recalc") == "1"
	d.Recalc = c.RecalcShipping
	d.Channel = r.PostFormValue("channel")
	if !order.ContactChannel(d.Channel).Valid() {
		d.Errors["channel"] = tr(lang, "modify.choose_channel")
	}
	if len(d.Errors) == 0 && len(c.Quantities) == 0 && len(c.Edits) == 0 && len(c.Add) == 0 {
		d.Errors["form"] = nothingChanged(lang)
	}
	return c
}

// readAdd reads the "Ajouter un produit" rows; a row left empty is ignored.
func (d *modifyData) readAdd(r *http.Request, c *order.ContentChange) {
	lang := d.lang
	for i := 0; i < maxAddRows; i++ {
		row := addRow{Index: i}
		if _, sent := r.PostForm[row.Field("sku")]; !sent {
			break
		}
		row.SKU, row.Name = r.PostFormValue(row.Field("sku")), r.PostFormValue(row.Field("name"))
		row.Price, row.Qty, row.VAT = r.PostFormValue(row.Field("unit_price")), r.PostFormValue(row.Field("quantity")), r.PostFormValue(row.Field("vat_rate"))
		row.Physical = r.PostFormValue(row.Field("physical")) == "1"
		d.Add = append(d.Add, row)
		if row.blank() {
			continue
		}
		nl := order.NewLine{SKU: strings.TrimSpace(row.SKU), Name: strings.TrimSpace(row.Name), Physical: row.Physical}
		ok := true
		if nl.SKU == "" {
			d.Errors[row.Field("sku")], ok = tr(lang, "form.enter_sku"), false
		}
		if nl.Name == "" {
			d.Errors[row.Field("name")], ok = tr(lang, "form.enter_product_name"), false
		}
		var err error
		if nl.UnitPrice, err = parseAmount(lang, row.Price); err != nil {
			d.Errors[row.Field("unit_price")], ok = tr(lang, "form.enter_price", locale.Text(amountInput(lang, 1250))), false
		}
		if nl.Quantity, err = formInt64(row.Qty); err != nil || nl.Quantity < 1 {
			d.Errors[row.Field("quantity")], ok = tr(lang, "form.quantity_at_least_one"), false
		}
		if nl.VATRate, err = formInt64(row.VAT); err != nil || !order.ValidVATRate(nl.VATRate) {
			d.Errors[row.Field("vat_rate")], ok = tr(lang, "form.choose_vat"), false
		}
		if ok {
			c.Add = append(c.Add, nl)
			d.addIndex = append(d.addIndex, i)
		}
	}
}

// hidden is the form as typed, for the confirmation's "Confirmer" and
// "Retour" buttons.
func (d *modifyData) hidden() []option {
	var h []option
	for _, l := range d.Lines {
		id := strconv.FormatInt(l.ID, 10)
		if l.Selected {
			h = append(h, option{"line", id})
		}
		h = append(h, option{"qty_" + id, l.Qty}, option{"sku_" + id, l.SKUIn}, option{"name_" + id, l.NameIn}, option{"price_" + id, l.Price})
	}
	for _, a := range d.Add {
		h = append(h, option{a.Field("sku"), a.SKU}, option{a.Field("name"), a.Name}, option{a.Field("unit_price"), a.Price},
			option{a.Field("quantity"), a.Qty}, option{a.Field("vat_rate"), a.VAT})
		if a.Physical {
			h = append(h, option{a.Field("physical"), "1"})
		}
	}
	return h
}

func nothingChanged(lang string) string {
	return tr(lang, "modify.nothing_changed")
}

// refusal puts a refusal of the domain or the starter next to its field,
// in the agent's language (the refusal's code said by the catalog); it
// reports false for an error that is not a refusal.
func (d *modifyData) refusal(err error) bool {
	var nm *order.NotModifiableError
	var fe *order.FieldError
	switch {
	case errors.As(err, &nm):
		if nm.HoldBy != "" {
			d.Errors["form"] = heldBy(nm.HoldBy, d.lang)
		} else {
			d.Errors["form"] = tr(d.lang, "blocked.modify_logistics", logisticsArg(d.lang, nm.Logistics))
		}
	case errors.Is(err, order.ErrNotModifiable):
		d.Errors["form"] = modifyBlocked(d.Order, d.lang)
		if d.Errors["form"] == "" { // the order changed since it was read
			d.Errors["form"] = tr(d.lang, "edge.modify_changed")
		}
	case errors.As(err, &fe):
		d.Errors[d.formField(fe)] = sayRefusal(fe, d.lang)
	default:
		return false
	}
	return true
}

// formField finds the form field a refusal of the domain names
// ("edits[0].unit_price" is the price of the first edited line, "add[1].sku"
// the SKU of the second added row); "form" for the whole form.
func (d *modifyData) formField(fe *order.FieldError) string {
	base, sub, _ := strings.Cut(fe.Field, ".")
	name, idx := base, -1
	if i := strings.IndexByte(base, '['); i > 0 && strings.HasSuffix(base, "]") {
		name = base[:i]
		if n, err := strconv.Atoi(base[i+1 : len(base)-1]); err == nil {
			idx = n
		}
	}
	lineField := func(lines []int64, prefix string) string {
		if idx < 0 || idx >= len(lines) {
			return "form"
		}
		return prefix + strconv.FormatInt(lines[idx], 10)
	}
	switch {
	case name == "channel":
		return "channel"
	case name == "quantities":
		return lineField(d.qtyLine, "qty_")
	case name == "edits":
		prefix := map[string]string{"sku": "sku_", "name": "name_", "unit_price": "price_"}[sub]
		if prefix == "" {
			prefix = "qty_" // the quantity, the VAT rate, or the edit as a whole
		}
		return lineField(d.editLine, prefix)
	case name == "add" && idx >= 0 && idx < len(d.addIndex):
		row := addRow{Index: d.addIndex[idx]}
		if sub == "" {
			sub = "sku"
		}
		return row.Field(sub)
	}
	return "form"
}

// procedureURL is the live page of a procedure.
func procedureURL(workflowID string) string {
	return "/procedures/" + (&url.URL{Path: workflowID}).EscapedPath()
}

// formRequestID is the request id a form was rendered with (newRequestID),
// or a new one for a form sent without it: a double submit of one form
// starts one procedure.
func formRequestID(r *http.Request) string {
	if id := strings.TrimSpace(r.PostFormValue("request_id")); id != "" {
		return id
	}
	return newRequestID()
}

// newRequestID is the id of one form, sent back with it: the same form
// submitted twice starts one procedure.
func newRequestID() string { return newToken()[:22] }
