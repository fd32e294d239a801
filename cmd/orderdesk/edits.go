package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// contentChange reads the flags of start modify-content into the change
// the procedure is asked for: --set, then --price, --rename and --add.
func contentChange(o order.Order, sets, prices, names, adds []string) (order.ContentChange, error) {
	c, err := parseSets(o, sets)
	if err != nil {
		return c, err
	}
	return c, parseEdits(o, &c, prices, names, adds)
}

// parseEdits reads --price, --rename and --add into the change. A product
// both lowered by --set and edited is one edit with its new quantity, as
// the order page sends it; one removed (--set SKU=0) and edited is left to
// the procedure to refuse.
func parseEdits(o order.Order, c *order.ContentChange, prices, names, adds []string) error {
	edit := func(flag, spec string) (*order.LineEdit, string, error) {
		sku, val, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, "", order.Refuse(flag, "refusal.flag_sku_value", locale.Text(spec))
		}
		l, ok := o.LineBySKU(sku)
		if !ok {
			return nil, "", order.Refuse(flag, "refusal.order_no_product", locale.Text(o.Number), locale.Text(sku))
		}
		for i := range c.Edits {
			if c.Edits[i].LineID == l.ID {
				return &c.Edits[i], val, nil
			}
		}
		e := order.LineEdit{LineID: l.ID}
		for i, q := range c.Quantities {
			if q.LineID == l.ID && q.Quantity > 0 {
				if q.Quantity != l.Remaining() {
					e.Quantity = &q.Quantity
				}
				c.Quantities = append(c.Quantities[:i:i], c.Quantities[i+1:]...)
				break
			}
		}
		c.Edits = append(c.Edits, e)
		return &c.Edits[len(c.Edits)-1], val, nil
	}
	for _, p := range prices {
		e, val, err := edit("price", p)
		if err != nil {
			return err
		}
		cents, err := order.ParseCents(val)
		if err != nil {
			return order.Refuse("price", "refusal.amount_unreadable", locale.Text(val))
		}
		e.UnitPrice = &cents
	}
	for _, n := range names {
		e, val, err := edit("rename", n)
		if err != nil {
			return err
		}
		name := strings.TrimSpace(val)
		e.Name = &name
	}
	for _, a := range adds {
		parts := strings.Split(a, ";")
		if len(parts) != 5 {
			return order.Refuse("add", "refusal.add_format", locale.Text(a))
		}
		price, err := order.ParseCents(parts[2])
		if err != nil {
			return order.Refuse("add", "refusal.add_price_unreadable", locale.Text(a), locale.Text(parts[2]))
		}
		qty, err := strconv.ParseInt(strings.TrimSpace(parts[3]), 10, 64)
		if err != nil {
			return order.Refuse("add", "refusal.flag_quantity_not_whole", locale.Text(a), locale.Text(parts[3]))
		}
		rate, err := order.ParseCents(parts[4]) // "20" or "5,5" percent: hundredths are basis points
		if err != nil {
			return order.Refuse("add", "refusal.add_vat_unreadable", locale.Text(a), locale.Text(parts[4]))
		}
		c.Add = append(c.Add, order.NewLine{
			SKU: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), UnitPrice: price, Quantity: qty, VATRate: rate, Physical: true,
		})
	}
	return nil
}

// contentFlag names the flag to fix in a refused content change. The
// procedure names the parts of its request ("quantities[1]",
// "edits[0].unit_price"), which the terminal writes with --set, --price
// and --rename (--add is the request's "add" already).
func contentFlag(err error, c order.ContentChange) error {
	var fe *order.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	name, rest, _ := strings.Cut(fe.Field, "[")
	idx, sub, _ := strings.Cut(rest, "]")
	sub = strings.TrimPrefix(sub, ".")
	var flag string
	switch {
	case name == "quantities", name == "edits" && sub == "quantity":
		flag = "set"
	case name == "edits" && sub == "unit_price":
		flag = "price"
	case name == "edits" && sub == "name":
		flag = "rename"
	case name == "edits":
		// The edit as a whole: the flag that asked for it (a raised
		// quantity is --set's).
		flag = "set"
		if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < len(c.Edits) {
			if c.Edits[i].UnitPrice != nil {
				flag = "price"
			} else if c.Edits[i].Name != nil {
				flag = "rename"
			}
		}
	default:
		return err
	}
	if fe.Code != "" {
		return onFlag(fe, flag)
	}
	// A refusal said only in English, by a procedure: its words for the
	// request's parts become the terminal's flags.
	msg := strings.NewReplacer(
		"is edited twice: put every change to it in one edit", "is named twice",
		"remove the product with a quantity of 0 in quantities", "remove the product with --set SKU=0",
		"raise a quantity with an edit", "raise it with --set SKU=QTY",
		"is also named in quantities: set its quantity in the edit", "is named twice",
	).Replace(fe.Message)
	return order.Fieldf(flag, "%s", msg)
}

// printPreview shows what a change would do, with the same domain code
// the procedure runs, and starts nothing.
func printPreview(ctx context.Context, w io.Writer, s *services, o order.Order, c order.ContentChange) error {
	paid, err := s.store.MoneyPosition(ctx, o.ID)
	if err != nil {
		return err
	}
	p, err := order.Preview(o, c, paid)
	if err != nil {
		return err
	}
	m := func(cents int64) string { return order.Money{Cents: cents, Currency: o.Currency}.French() }
	fmt.Fprintf(w, "Aperçu de la modification de %s (rien n'est encore fait) :\n", o.Number)
	for _, l := range p.Result.Removed {
		fmt.Fprintf(w, "  retiré   %d × %s (%s)\n", l.Quantity, l.Name, l.SKU)
	}
	for _, d := range p.Result.Edited {
		fmt.Fprintf(w, "  modifié  %s : %d × %s → %d × %s\n", d.Before.SKU, d.Before.Remaining(), m(d.Before.UnitPrice), d.After.Remaining(), m(d.After.UnitPrice))
	}
	for _, l := range p.Result.Added {
		fmt.Fprintf(w, "  ajouté   %d × %s (%s) à %s\n", l.Quantity, l.Name, l.SKU, m(l.UnitPrice))
	}
	fmt.Fprintf(w, "  total    %s → %s\n", m(p.Result.Before.Total), m(p.Result.After.Total))
	if p.ShippingNote != "" {
		fmt.Fprintf(w, "  %s\n", p.ShippingNote)
	}
	fmt.Fprintf(w, "  %s\n", p.Settlement.Summary(o.Currency, "fr"))
	return nil
}
