package main

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"

	"github.com/orderdesk/orderdesk/locale"
)

// cmdShip is `ship`: mark items shipped with their carrier and
// tracking number, and non-physical items completed.
func cmdShip(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := newFlags("ship", "ship --order NUMBER [--line SKU=QTY ...] --carrier NAME [--tracking NUMBER] [--complete SKU ...] [--no-email] --agent EMAIL")
	number := fs.String("order", "", "order number, e.g. C-2026-000101")
	var lines, completes listFlag
	fs.Var(&lines, "line", "quantity shipped, SKU=QTY; repeat for several products (default: everything left to ship, unless --complete alone)")
	fs.Var(&completes, "complete", "SKU of a non-physical product to mark completed; repeatable")
	carrier := fs.String("carrier", "", "the carrier: "+strings.Join(order.Carriers, ", ")+", or any other name")
	tracking := fs.String("tracking", "", "the parcel's tracking number (optional)")
	agent := fs.String("agent", "", "the agent asking, e.g. marie@boutique.fr")
	noEmail := fs.Bool("no-email", false, "do not email the customer")
	rid := requestIDFlag(fs)
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for the procedure to end (0: do not wait)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	s, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	o, err := s.store.GetOrder(ctx, *number)
	if err != nil {
		return order.Refuse("order", "refusal.order_not_found", locale.Text(*number))
	}
	req := starter.FulfilRequest{
		OrderNumber: o.Number, RequestID: rid.Value(), Agent: *agent,
		Carrier: *carrier, Tracking: *tracking, Notify: !*noEmail,
	}
	if req.Ship, err = parseShipLines(o, lines); err != nil {
		return err
	}
	for _, sku := range completes {
		l, ok := lineByKey(o, sku)
		if !ok {
			return order.Refuse("complete", "refusal.order_no_product", locale.Text(o.Number), locale.Text(sku))
		}
		req.Complete = append(req.Complete, l.ID)
	}
	if len(lines) == 0 && len(completes) == 0 {
		req.Ship = order.DefaultShip(o)
	}
	run, err := s.starter.Fulfil(ctx, req)
	var fe *order.FieldError
	if errors.As(err, &fe) && strings.HasPrefix(fe.Field, "ship") {
		return onFlag(fe, "line") // the flag is --line
	}
	if err != nil {
		return err
	}
	announce(cfg, run, "")
	if *wait <= 0 {
		return nil
	}
	return followProcedure(ctx, s, run.WorkflowID, *wait)
}

// parseShipLines reads --line SKU=QTY (a line id works too) into the
// quantities to ship; an unknown product names the order's products.
func parseShipLines(o order.Order, lines []string) ([]order.LineQuantity, error) {
	return parseLineQuantities(o, "line", "--line MUG-01=2", lines)
}

// parseLineQuantities reads KEY=QTY flags (KEY: a SKU or a line id) of the
// order, in the order given. A refusal names flag (the field) and shows
// example; an unknown product names the order's products. How many of
// each may go is the domain's to say.
func parseLineQuantities(o order.Order, flag, example string, specs []string) ([]order.LineQuantity, error) {
	out := make([]order.LineQuantity, 0, len(specs))
	for _, spec := range specs {
		key, val, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, order.Refuse(flag, "refusal.flag_sku_quantity", locale.Text(spec), locale.Text(example))
		}
		qty, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return nil, order.Refuse(flag, "refusal.flag_quantity_not_whole", locale.Text(spec), locale.Text(val))
		}
		l, ok := lineByKey(o, key)
		if !ok {
			return nil, noProduct(flag, spec, o, strings.TrimSpace(key))
		}
		out = append(out, order.LineQuantity{LineID: l.ID, Quantity: qty})
	}
	return out, nil
}

// noProduct refuses the flag's spec whose key names no product of the
// order, listing the order's products.
func noProduct(flag, spec string, o order.Order, key string) error {
	skus := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		skus[i] = l.SKU
	}
	return order.Refuse(flag, "refusal.flag_no_product", locale.Text(spec), locale.Text(o.Number), locale.Text(key), locale.Text(strings.Join(skus, ", ")))
}

// lineByKey finds a line by SKU or by id, as the CLI's SKU=QTY flags name
// them.
func lineByKey(o order.Order, key string) (order.Line, bool) {
	if l, ok := o.LineBySKU(key); ok {
		return l, true
	}
	id, err := strconv.ParseInt(strings.TrimSpace(key), 10, 64)
	if err != nil {
		return order.Line{}, false
	}
	return o.Line(id)
}
