package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/orderdesk/orderdesk/locale"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/workflows"
)

// detailsEditor is what the edit-details pages need of the starter (part
// of Starter); *starter.Starter implements it.
type detailsEditor interface {
	OrderDetails(ctx context.Context, number string) (order.Order, order.Details, error)
	PreviewDetails(ctx context.Context, number string, edit order.DetailsEdit) (order.Order, order.DetailsPreview, error)
	EditDetails(ctx context.Context, req starter.EditDetailsRequest) (starter.Run, error)
}

// addressForm is an address as typed in the form.
type addressForm struct {
	Name, Line1, Line2, PostalCode, City, Country string
}

// addressInput is one input of an address in the form.
type addressInput struct{ Name, Label, Value string }

// Inputs are the address's inputs, named prefix_line1 and so on, labelled
// in lang.
func (f addressForm) Inputs(prefix, lang string) []addressInput {
	return []addressInput{
		{prefix + "_name", tr(lang, "address.name"), f.Name},
		{prefix + "_line1", tr(lang, "address.line1"), f.Line1},
		{prefix + "_line2", tr(lang, "address.line2"), f.Line2},
		{prefix + "_postal_code", tr(lang, "address.postal_code"), f.PostalCode},
		{prefix + "_city", tr(lang, "address.city"), f.City},
		{prefix + "_country", tr(lang, "address.country"), f.Country},
	}
}

func addressFormOf(a order.Address) addressForm {
	return addressForm{a.Name, a.Line1, a.Line2, a.PostalCode, a.City, a.Country}
}

func (f addressForm) address() order.Address {
	return order.Address{Name: f.Name, Line1: f.Line1, Line2: f.Line2, PostalCode: f.PostalCode, City: f.City, Country: f.Country}.Normalized()
}

// editData is the data of the edit-details form and its confirmation.
type editData struct {
	Layout
	Order          order.Order
	Current        order.Details
	Name, Email    string
	Phone          string
	Billing        addressForm
	Delivery       addressForm
	PaymentLabel   string
	ShippingMethod string
	ShippingFee    string // as typed
	Discount       string // as typed: "10%", "5,00", "0"
	Channel        string
	Notify         bool
	RequestID      string
	// DeliveryLocked says why the delivery address cannot change ("" when it can).
	DeliveryLocked string
	Errors         fieldErrors
	Confirm        bool
	Preview        order.DetailsPreview
	lang           string
}

// Channels are the contact channels the form offers.
func (d editData) Channels() []order.ContactChannel { return order.ContactChannels }

// Label is a changed field as the agent reads it.
func (d editData) Label(field string) string {
	return order.DetailLabel(field, d.Lang)
}

// discountInput writes a discount for the form as an agent of lang types
// it: "10%", "12,5%" or "5,00" in French, "12.5%" or "5.00" in English,
// "0" for none.
func discountInput(lang string, d order.Discount) string {
	switch d.Kind {
	case order.DiscountPercent:
		s := amountInput(lang, d.Percent) // hundredths of a percent: basis points
		if i := strings.LastIndexAny(s, ",."); i >= 0 {
			if frac := strings.TrimRight(s[i+1:], "0"); frac == "" {
				s = s[:i]
			} else {
				s = s[:i+1] + frac
			}
		}
		return s + "%"
	case order.DiscountFixed:
		return amountInput(lang, d.Amount)
	}
	return "0"
}

// editBlocked says why an order's details cannot be edited now, or "".
func (s *server) editBlocked(o order.Order, lang string) string {
	if why := order.DetailsBlocked(o, lang); why != "" {
		return tr(lang, "blocked.edit_because", locale.Text(why))
	}
	return ""
}

// editForm is GET /orders/{number}/edit: the form pre-filled with the
// order's current details.
func (s *server) editForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	if reason := s.editBlocked(o, langOf(r)); reason != "" {
		return blockedPage(reason)
	}
	o, cur, err := s.starter.OrderDetails(ctx, o.Number)
	if err != nil {
		return err
	}
	d := newEditData(r, o, cur)
	d.Name, d.Email, d.Phone = cur.Name, cur.Email, cur.Phone
	d.Billing, d.Delivery = addressFormOf(cur.Billing), addressFormOf(cur.Delivery)
	d.PaymentLabel = cur.PaymentLabel
	if d.PaymentLabel == "" {
		d.PaymentLabel = o.PaymentMethod.Label("fr")
	}
	d.ShippingMethod, d.ShippingFee, d.Discount = cur.ShippingMethod, amountInput(d.lang, cur.ShippingFee), discountInput(d.lang, cur.Discount)
	d.RequestID = newRequestID()
	return s.render(w, http.StatusOK, "edit", d)
}

func newEditData(r *http.Request, o order.Order, cur order.Details) editData {
	lang := langOf(r)
	return editData{
		Layout: Layout{Title: tr(lang, "edit.title"), Nav: "orders"},
		Order:  o, Current: cur, Errors: fieldErrors{}, lang: lang, DeliveryLocked: order.DeliveryLocked(o, lang),
	}
}

// editSubmit is POST /orders/{number}/edit: "preview" shows what changes
// (and the new total and the refund or balance when money changes),
// "edit" goes back, "confirm" starts the procedure and shows its page.
func (s *server) editSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.loadOrder(ctx, r.PathValue("number"))
	if err != nil {
		return err
	}
	ed := s.starter
	if r.PostFormValue("step") == "confirm" {
		if done, err := s.startedBefore(w, r, workflows.ProcEditDetails, o.Number); done || err != nil {
			return err
		}
	}
	o, cur, err := s.starter.OrderDetails(ctx, o.Number)
	if err != nil {
		return err
	}
	d := newEditData(r, o, cur)
	edit := d.readForm(r)
	step := r.PostFormValue("step")
	if step == "edit" {
		return s.render(w, http.StatusOK, "edit", d)
	}
	if reason := s.editBlocked(o, d.lang); reason != "" {
		d.Errors["form"] = reason
	}
	if len(d.Errors) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "edit", d)
	}
	if step != "confirm" {
		_, p, err := ed.PreviewDetails(ctx, o.Number, edit)
		if err != nil {
			if !d.refusal(err) {
				return err
			}
			return s.render(w, http.StatusUnprocessableEntity, "edit", d)
		}
		d.Preview, d.Confirm, d.Title = p, true, tr(d.lang, "edit.confirm_title")
		// A corrected typo is not worth an email to the customer; a
		// refund or a balance is. The agent can change it here.
		d.Notify = p.Result.MoneyChanged()
		return s.render(w, http.StatusOK, "edit", d)
	}
	a := agentOf(r)
	notify := d.Notify
	run, err := ed.EditDetails(ctx, starter.EditDetailsRequest{
		OrderNumber: o.Number, RequestID: d.RequestID, Agent: a.Email, Role: a.Role,
		Channel: order.ContactChannel(d.Channel), Edit: edit, Notify: &notify,
	})
	if err != nil {
		if !d.refusal(err) {
			return err
		}
		return s.render(w, http.StatusUnprocessableEntity, "edit", d)
	}
	http.Redirect(w, r, procedureURL(run.WorkflowID), http.StatusSeeOther)
	return nil
}

// readForm reads the form, keeping what was typed, and returns the edit:
// only the fields whose value differs from the order's current one.
func (d *editData) readForm(r *http.Request) order.DetailsEdit {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	d.RequestID = formRequestID(r)
	d.Name, d.Email, d.Phone = v("name"), v("email"), v("phone")
	d.PaymentLabel, d.ShippingMethod = v("payment_label"), v("shipping_method")
	d.ShippingFee, d.Discount, d.Channel = v("shipping_fee"), v("discount"), v("channel")
	d.Notify = v("notify") == "1"
	addr := func(prefix string) addressForm {
		return addressForm{v(prefix + "_name"), v(prefix + "_line1"), v(prefix + "_line2"), v(prefix + "_postal_code"), v(prefix + "_city"), v(prefix + "_country")}
	}
	d.Billing = addr("billing")
	cur := d.Current
	var e order.DetailsEdit
	str := func(typed, current string) *string {
		if typed == current {
			return nil
		}
		return &typed
	}
	e.Name, e.Email, e.Phone = str(d.Name, cur.Name), str(d.Email, cur.Email), str(d.Phone, cur.Phone)
	e.ShippingMethod = str(d.ShippingMethod, cur.ShippingMethod)
	if d.PaymentLabel != d.Order.PaymentMethod.Label("fr") || cur.PaymentLabel != "" {
		e.PaymentLabel = str(d.PaymentLabel, cur.PaymentLabel)
	}
	if a := d.Billing.address(); a != cur.Billing.Normalized() {
		e.Billing = &a
	}
	if r.PostForm.Has("delivery_line1") { // absent when the address is locked
		d.Delivery = addr("delivery")
		if a := d.Delivery.address(); a != cur.Delivery.Normalized() {
			e.Delivery = &a
		}
	} else {
		d.Delivery = addressFormOf(cur.Delivery)
	}
	if d.Channel != "" && !order.ContactChannel(d.Channel).Valid() {
		d.Errors["channel"] = tr(d.lang, "form.choose_channel")
	}
	if fee, err := parseAmount(d.lang, d.ShippingFee); err != nil {
		d.Errors["shipping_fee"] = tr(d.lang, "form.enter_amount", locale.Text(amountInput(d.lang, 490)))
	} else if fee != cur.ShippingFee {
		e.ShippingFee = &fee
	}
	if disc, err := order.ParseDiscount(d.Discount); err != nil {
		d.Errors["discount"] = tr(d.lang, "form.enter_discount", locale.Text("10%"), locale.Text(amountInput(d.lang, 500)))
	} else if disc.Kind != cur.Discount.Kind || disc.Amount != cur.Discount.Amount || disc.Percent != cur.Discount.Percent {
		e.Discount = &disc // a discount typed here has no code
	}
	return e
}

// refusal puts a refusal of the domain or the starter next to its field
// ("delivery_address.postal_code" is the delivery postal code's input);
// false for an error that is not a refusal.
func (d *editData) refusal(err error) bool {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	field := fe.Field
	switch {
	case strings.HasPrefix(field, "billing_address."), strings.HasPrefix(field, "delivery_address."):
		field = strings.Replace(strings.Replace(field, "_address.", "_", 1), "..", ".", 1)
	case field == "billing_address":
		field = "billing_line1"
	case field == "delivery_address":
		field = "delivery_line1"
	case field == "details", field == "order":
		field = "form"
	}
	d.Errors[field] = sayRefusal(fe, d.lang)
	return true
}
