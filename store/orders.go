package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/orderdesk/orderdesk/order"

	"github.com/orderdesk/orderdesk/locale"
)

// orderRow is a row of orders as scanned; toOrder turns it into the domain type.
type orderRow struct {
	ID              int64
	Number          string
	Status          string
	LogisticsStatus string
	PaymentMethod   string
	PaymentLabel    string `db:"payment_method_label"`
	Currency        string
	CustomerName    string
	CustomerEmail   string
	CustomerPhone   string
	CustomerLocale  string
	BillingAddress  order.Address
	DeliveryAddress order.Address
	ShippingRules   order.ShippingRules
	Discount        order.Discount
	ShippingCents   int64
	HoldBy          string
	Version         int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ArchivedAt      *time.Time
}

const orderColumns = `id, number, status, logistics_status, payment_method, payment_method_label, currency,
	customer_name, customer_email, customer_phone, customer_locale,
	billing_address, delivery_address, shipping_rules, discount, shipping_cents,
	coalesce(hold_by, '') AS hold_by, version, created_at, updated_at, archived_at`

type lineRow struct {
	ID           int64
	SKU          string `db:"sku"`
	Name         string
	UnitPrice    int64 `db:"unit_price_cents"`
	Quantity     int64
	VATRate      int64 `db:"vat_rate_bp"`
	Physical     bool
	QtyShipped   int64
	QtyCompleted int64
	QtyCancelled int64
}

const lineColumns = `id, sku, name, unit_price_cents, quantity, vat_rate_bp, physical,
	qty_shipped, qty_completed, qty_cancelled`

// loadOrder reads one order and its lines; where is "number = $1" or "id = $1".
// Both statements go in one round trip: every step of a procedure reads
// its order, most of them more than once.
func loadOrder(ctx context.Context, q querier, where string, key any) (order.Order, error) {
	return loadOrderAfter(ctx, q, nil, where, key)
}

// rowStmt is a statement sent before others, and how its result is read.
type rowStmt struct {
	sql  string
	args []any
	read func(br pgx.BatchResults) error
}

// loadOrderAfter is loadOrder after the statement first (when not nil),
// in the same round trip (and, outside of a transaction, the same
// implicit one): the order read sees what first did.
func loadOrderAfter(ctx context.Context, q querier, first *rowStmt, where string, key any) (_ order.Order, err error) {
	b := &pgx.Batch{}
	if first != nil {
		b.Queue(first.sql, first.args...)
	}
	b.Queue(`SELECT `+orderColumns+` FROM orders WHERE `+where, key)
	b.Queue(`SELECT `+lineColumns+` FROM order_lines WHERE order_id = (SELECT id FROM orders WHERE `+where+`) ORDER BY position, id`, key)
	br := q.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = unavailable(cerr)
		}
	}()
	if first != nil {
		if err := first.read(br); err != nil {
			return order.Order{}, unavailable(err)
		}
	}
	r, err := one[orderRow](br.Query())
	if err != nil {
		return order.Order{}, err
	}
	lines, err := all[lineRow](br.Query())
	if err != nil {
		return order.Order{}, err
	}
	o := order.Order{
		ID:            r.ID,
		Number:        r.Number,
		Status:        order.Status(r.Status),
		Logistics:     order.LogisticsStatus(r.LogisticsStatus),
		PaymentMethod: order.PaymentMethod(r.PaymentMethod),
		PaymentLabel:  r.PaymentLabel,
		Currency:      r.Currency,
		Customer:      order.Customer{Name: r.CustomerName, Email: r.CustomerEmail, Phone: r.CustomerPhone, Locale: r.CustomerLocale},
		Billing:       r.BillingAddress,
		Delivery:      r.DeliveryAddress,
		ShippingRules: r.ShippingRules,
		ShippingFee:   r.ShippingCents,
		Discount:      r.Discount,
		Lines:         make([]order.Line, len(lines)),
		HoldBy:        r.HoldBy,
		Version:       r.Version,
		CreatedAt:     r.CreatedAt,
		UpdatedAt:     r.UpdatedAt,
		ArchivedAt:    r.ArchivedAt,
	}
	for i, l := range lines {
		o.Lines[i] = order.Line(l)
	}
	// The VAT split is derived from the lines, never stored.
	o.Totals = order.Reprice(o)
	return o, nil
}

// GetOrder returns the order with this number, its lines in display order
// and its totals.
func (s *Store) GetOrder(ctx context.Context, number string) (order.Order, error) {
	o, err := loadOrder(ctx, s.pool, `number = $1`, number)
	if err != nil {
		return o, fmt.Errorf("store.GetOrder(%s): %w", number, err)
	}
	return o, nil
}

// OrderCurrency returns the id and the currency of the order with this
// number, in one statement: what a step needs that only writes about the
// order (a refund's reservation), without its lines or addresses.
func (s *Store) OrderCurrency(ctx context.Context, number string) (id int64, currency string, err error) {
	err = s.pool.QueryRow(ctx, `SELECT id, currency FROM orders WHERE number = $1`, number).Scan(&id, &currency)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, "", fmt.Errorf("store.OrderCurrency(%s): %w", number, err)
	}
	return id, currency, nil
}

// GetOrderAndEvent is GetOrder and EventByKey(key) in one round trip:
// found says whether an event has that key (a step that ran before).
func (s *Store) GetOrderAndEvent(ctx context.Context, number, key string) (o order.Order, ev Event, found bool, err error) {
	o, err = loadOrderAfter(ctx, s.pool, &rowStmt{`SELECT ` + eventColumns + ` FROM order_events WHERE event_key = $1`, []any{key},
		func(br pgx.BatchResults) error {
			ev, err = one[Event](br.Query())
			found = err == nil
			if errors.Is(err, ErrNotFound) {
				err = nil
			}
			return err
		}}, `number = $1`, number)
	if err != nil {
		return order.Order{}, Event{}, false, fmt.Errorf("store.GetOrderAndEvent(%s, %s): %w", number, key, err)
	}
	return o, ev, found, nil
}

// GetOrderByID returns the order with this id, like GetOrder.
func (s *Store) GetOrderByID(ctx context.Context, id int64) (order.Order, error) {
	o, err := loadOrder(ctx, s.pool, `id = $1`, id)
	if err != nil {
		return o, fmt.Errorf("store.GetOrderByID(%d): %w", id, err)
	}
	return o, nil
}

// InsertOrder records a new order and its lines (in the given order), for
// demo data, imports and tests. The caller sets o.Totals (order.Reprice);
// an empty Status, Logistics, Currency or customer locale gets the default,
// a zero CreatedAt is now. It returns the order as stored, with its ids.
func (s *Store) InsertOrder(ctx context.Context, o order.Order) (order.Order, error) {
	o, createdAt, err := prepareOrder(o)
	if err != nil {
		return o, err
	}
	var stored order.Order
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		stored, err = insertOrder(ctx, tx, o, createdAt)
		return err
	})
	if err != nil {
		return o, fmt.Errorf("store.InsertOrder(%s): %w", o.Number, err)
	}
	return stored, nil
}

// PlaceOrder writes a new order whole, in one transaction: the order and
// its lines (as InsertOrder), the payment already taken if any, and its
// history rows. An order arriving from the storefront is there complete or
// not at all; a crash never leaves a paid order without its payment.
func (s *Store) PlaceOrder(ctx context.Context, o order.Order, p *Payment, events []Event) (order.Order, error) {
	var placed order.Order
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if placed, err = s.prepareAndInsert(ctx, tx, o); err != nil {
			return err
		}
		if p != nil {
			p.OrderID = placed.ID
			if _, err := insertPayment(ctx, tx, *p); err != nil {
				return err
			}
		}
		for _, ev := range events {
			ev.OrderID = placed.ID
			if _, err := insertEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o, fmt.Errorf("store.PlaceOrder(%s): %w", o.Number, err)
	}
	return placed, nil
}

// prepareAndInsert applies InsertOrder's checks and defaults, then inserts.
func (s *Store) prepareAndInsert(ctx context.Context, tx pgx.Tx, o order.Order) (order.Order, error) {
	o, createdAt, err := prepareOrder(o)
	if err != nil {
		return o, err
	}
	return insertOrder(ctx, tx, o, createdAt)
}

// insertOrder inserts an order and its lines within tx.
func insertOrder(ctx context.Context, tx pgx.Tx, o order.Order, createdAt *time.Time) (order.Order, error) {
	var id int64
	err := tx.QueryRow(ctx, `
			INSERT INTO orders (number, status, logistics_status, payment_method, currency,
				customer_name, customer_email, customer_phone, customer_locale,
				billing_address, delivery_address, shipping_rules, discount,
				merchandise_cents, discount_cents, shipping_cents, total_cents,
				hold_by, created_at, updated_at, archived_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
				coalesce($19, now()), coalesce($19, now()), $20)
			RETURNING id`,
		o.Number, o.Status, o.Logistics, o.PaymentMethod, o.Currency,
		o.Customer.Name, o.Customer.Email, o.Customer.Phone, o.Customer.Locale,
		o.Billing, o.Delivery, o.ShippingRules, o.Discount,
		o.Totals.Merchandise, o.Totals.Discount, o.Totals.Shipping, o.Totals.Total,
		nullIfEmpty(o.HoldBy), createdAt, o.ArchivedAt,
	).Scan(&id)
	if err != nil {
		if isUniqueViolation(err) {
			return o, fmt.Errorf("an order numbered %s exists already", o.Number)
		}
		return o, err
	}
	if _, err := insertLines(ctx, tx, id, 0, o.Lines); err != nil {
		return o, err
	}
	return loadOrder(ctx, tx, `id = $1`, id)
}

// prepareOrder checks an order about to be inserted and fills its defaults.
func prepareOrder(o order.Order) (order.Order, *time.Time, error) {
	if o.Number == "" {
		return o, nil, fmt.Errorf("store.InsertOrder: %w", order.Refuse("number", "refusal.order_number_missing"))
	}
	if len(o.Lines) > 0 && o.Totals.Merchandise == 0 && o.Totals.Total == 0 {
		return o, nil, fmt.Errorf("store.InsertOrder(%s): totals are not set: compute them with order.Reprice", o.Number)
	}
	if o.Status == "" {
		o.Status = order.StatusNew
	}
	if o.Logistics == "" {
		o.Logistics = order.LogisticsAwaitingPrinting
	}
	if o.Currency == "" {
		o.Currency = order.DefaultCurrency
	}
	if o.Customer.Locale == "" {
		o.Customer.Locale = "fr"
	}
	var createdAt *time.Time
	if !o.CreatedAt.IsZero() {
		createdAt = &o.CreatedAt
	}
	return o, createdAt, nil
}

// insertLines inserts an order's new lines in one statement, at positions
// from first on, and returns their ids in the same order. One statement
// adds their SKUs and names to the texts the search keeps in one sorted
// batch (order_lines_added), so two transactions adding the same new
// products wait for each other instead of deadlocking, which one
// statement per line did when their lines came in different orders.
func insertLines(ctx context.Context, q querier, orderID int64, first int, lines []order.Line) ([]int64, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	var (
		positions                     = make([]int64, len(lines))
		skus, names                   = make([]string, len(lines)), make([]string, len(lines))
		prices, quantities, vats      = make([]int64, len(lines)), make([]int64, len(lines)), make([]int64, len(lines))
		shipped, completed, cancelled = make([]int64, len(lines)), make([]int64, len(lines)), make([]int64, len(lines))
		physical                      = make([]bool, len(lines))
	)
	for i, l := range lines {
		positions[i], skus[i], names[i] = int64(first+i), l.SKU, l.Name
		prices[i], quantities[i], vats[i] = l.UnitPrice, l.Quantity, l.VATRate
		shipped[i], completed[i], cancelled[i], physical[i] = l.QtyShipped, l.QtyCompleted, l.QtyCancelled, l.Physical
	}
	rows, err := q.Query(ctx, `
		INSERT INTO order_lines (order_id, position, sku, name, unit_price_cents, quantity, vat_rate_bp,
			physical, qty_shipped, qty_completed, qty_cancelled)
		SELECT $1, v.* FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
			$8::bool[], $9::bigint[], $10::bigint[], $11::bigint[]) AS v
		RETURNING id, position`,
		orderID, positions, skus, names, prices, quantities, vats, physical, shipped, completed, cancelled)
	if err != nil {
		return nil, fmt.Errorf("lines %s: %w", lineSKUs(lines), err)
	}
	defer rows.Close()
	ids := make([]int64, len(lines))
	for rows.Next() {
		var id, pos int64
		if err := rows.Scan(&id, &pos); err != nil {
			return nil, err
		}
		ids[pos-int64(first)] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lines %s: %w", lineSKUs(lines), err)
	}
	return ids, nil
}

// lineSKUs names lines in an error.
func lineSKUs(lines []order.Line) string {
	skus := make([]string, len(lines))
	for i, l := range lines {
		skus[i] = l.SKU
	}
	return strings.Join(skus, ", ")
}

// ListOrders returns one page of the order list under a filter, and how
// many orders match the filter in all, counted up to ListCountCap + 1: a
// count above ListCountCap means "more than ListCountCap". Sort "" is
// newest first; "number", "date" and "total" sort ascending unless f.Desc.
// Pages follow each other by keyset (f.After, f.Before), so a page deep in
// a million orders costs what the first one does.
func (s *Store) ListOrders(ctx context.Context, f OrderFilter) ([]OrderSummary, int, error) {
	var (
		list  []OrderSummary
		total int
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// These queries run in milliseconds: compiling them (JIT) would
		// take seconds and starting parallel workers tens of milliseconds;
		// and the planner must see the search text to choose between
		// walking the sort's index and looking the text up in the fields'
		// indexes, so no generic plan either.
		if _, err := tx.Exec(ctx, `SELECT set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true),
			set_config('max_parallel_workers_per_gather', '0', true)`); err != nil {
			return err
		}
		q, err := buildListQuery(f, func(like string) ([]int32, error) { return lineTextsLike(ctx, tx, like) })
		if err != nil {
			return err
		}
		if list, err = all[OrderSummary](tx.Query(ctx, q.page, q.pageArgs...)); err != nil {
			return err
		}
		if q.reverse {
			slices.Reverse(list)
		}
		if f.After == nil && f.Before == nil && len(list) < q.limit {
			total = len(list) // the first page holds them all
			return nil
		}
		// The branches' counts add up: no order is in two of them.
		for _, c := range q.counts {
			if total > ListCountCap {
				break
			}
			if c.bitmaps {
				// The planner, expecting the matches early, would walk a
				// whole index to find a rare text: the trigram indexes are
				// always the way.
				if _, err := tx.Exec(ctx, `SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, c.sql, append(slices.Clone(c.args), ListCountCap+1-total)...).Scan(&n); err != nil {
				return err
			}
			total += n
			if c.bitmaps {
				if _, err := tx.Exec(ctx, `SELECT set_config('enable_indexscan', 'on', true), set_config('enable_seqscan', 'on', true)`); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store.ListOrders: %w", err)
	}
	return list, total, nil
}

// lineTextsLike is the ids of the line texts (migration 0011: the SKUs and
// product names of the lines, in lower case) that match the LIKE pattern
// like in lower case: the texts in which ILIKE finds it.
func lineTextsLike(ctx context.Context, q querier, like string) ([]int32, error) {
	var ids []int32
	err := q.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM line_texts WHERE text LIKE lower($1)`, like).Scan(&ids)
	return ids, err
}

// listQuery is the SQL of one ListOrders call.
type listQuery struct {
	page     string
	pageArgs []any
	limit    int
	reverse  bool // the page query reads backwards (f.Before)
	// counts count the orders of each of the page's branches; each takes
	// one more argument, after args: how many to count at most.
	counts []listCount
}

// listCount counts the orders of one branch of the list.
type listCount struct {
	sql  string
	args []any
	// bitmaps: planned with bitmap scans only (the branch's own indexes).
	bitmaps bool
}

// summaryColumns are the order list's columns (OrderSummary).
const summaryColumns = `o.id, o.number, o.customer_name, o.customer_email, o.status,
	o.logistics_status AS logistics, o.payment_method, o.total_cents AS total, o.currency,
	coalesce(o.hold_by, '') AS hold_by, o.created_at`

// buildListQuery writes the page and count queries of a filter; lineTexts
// finds the line texts a search's LIKE pattern matches (lineTextsLike).
// Each condition is shaped for an index of migrations 0010 and 0011: the
// archived state and the filters match the partial indexes, the sort keys
// (with id) are the indexes' keys, and the search is one index lookup per
// field.
//
// A search is two queries in one: the orders having one of the line texts
// that match (line_text_ids), and the orders whose own fields match (their
// trigram indexes, in one BitmapOr) but none of whose lines do. The two
// never hold the same order, so their pages and counts add up without
// removing duplicates, and each has its own plan: for a rare text, look it
// up and sort what was found; for a common one, walk the sort's index and
// stop at the page's end. The count of the orders' own fields is made of
// bitmap scans (the planner cannot tell how many orders a trigram search
// finds); the lines' is the planner's, which knows how many orders have
// each line text from line_text_ids' statistics.
func buildListQuery(f OrderFilter, lineTexts func(like string) ([]int32, error)) (listQuery, error) {
	sort, desc := f.Sort, f.Desc
	if sort == "" {
		sort, desc = "date", true
	}
	var keys []string // the sort's columns, most significant first, as OrderSummary names them
	switch sort {
	case "date":
		keys = []string{`created_at`, `id`}
	case "number":
		keys = []string{`number`}
	case "total":
		keys = []string{`total`, `id`}
	default:
		return listQuery{}, order.Refuse("sort", "refusal.sort_unknown", locale.Text(f.Sort))
	}
	column := map[string]string{`created_at`: `o.created_at`, `id`: `o.id`, `number`: `o.number`, `total`: `o.total_cents`}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)

	// Each query numbers its own arguments: a count reads only some of them.
	filters := func(a *sqlArgs) string {
		where := []string{`o.archived_at IS NULL`}
		if f.Archived {
			where[0] = `o.archived_at IS NOT NULL`
		}
		if f.Status != "" {
			where = append(where, `o.status = `+a.add(f.Status))
		}
		if f.Logistics != "" {
			where = append(where, `o.logistics_status = `+a.add(f.Logistics))
		}
		if f.PaymentMethod != "" {
			where = append(where, `o.payment_method = `+a.add(f.PaymentMethod))
		}
		return strings.Join(where, ` AND `)
	}
	// branches are the conditions whose matches the list puts together.
	type branch struct {
		cond    func(a *sqlArgs) string
		bitmaps bool
	}
	branches := []branch{{cond: func(*sqlArgs) string { return `` }}}
	if q := strings.TrimSpace(f.Query); q != "" {
		own, like, err := searchConditions(q)
		if err != nil {
			return listQuery{}, err
		}
		ids, err := lineTexts(like)
		if err != nil {
			return listQuery{}, err
		}
		if len(ids) == 0 { // no line has the text
			branches = []branch{{cond: func(a *sqlArgs) string { return ` AND ` + own(a) }, bitmaps: true}}
		} else {
			lines := func(a *sqlArgs) string { return `o.line_text_ids && ` + a.add(ids) + `::int[]` }
			branches = []branch{
				{cond: func(a *sqlArgs) string { return ` AND ` + own(a) + ` AND NOT ` + lines(a) }, bitmaps: true},
				{cond: func(a *sqlArgs) string { return ` AND ` + lines(a) }},
			}
		}
	}

	// The counts: at most so many rows, whatever the page.
	lq := listQuery{limit: limit}
	for _, b := range branches {
		var a sqlArgs
		where := filters(&a) + b.cond(&a)
		lq.counts = append(lq.counts, listCount{
			sql:     `SELECT count(*) FROM (SELECT 1 FROM orders o WHERE ` + where + ` LIMIT $` + fmt.Sprint(len(a)+1) + `) AS c`,
			args:    a,
			bitmaps: b.bitmaps,
		})
	}

	// The page: rows after (or before) the cursor, in the index's order.
	var a sqlArgs
	base := filters(&a)
	cur, forward := f.After, true
	if cur == nil && f.Before != nil {
		cur, forward = f.Before, false
	}
	lq.reverse = !forward
	if cur != nil {
		vals := map[string]any{`created_at`: cur.CreatedAt, `number`: cur.Number, `total`: cur.Total, `id`: cur.ID}
		cols, ph := make([]string, len(keys)), make([]string, len(keys))
		for i, k := range keys {
			cols[i], ph[i] = column[k], a.add(vals[k])
		}
		// Descending and going forward, or ascending and going back: smaller keys.
		op := `>`
		if desc == forward {
			op = `<`
		}
		base += ` AND (` + strings.Join(cols, `, `) + `) ` + op + ` (` + strings.Join(ph, `, `) + `)`
	}
	dir := ` ASC`
	if desc == forward {
		dir = ` DESC`
	}
	inner, outer := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		inner[i], outer[i] = column[k]+dir, k+dir
	}
	pages := make([]string, len(branches))
	for i, b := range branches {
		pages[i] = `SELECT ` + summaryColumns + ` FROM orders o WHERE ` + base + b.cond(&a) +
			` ORDER BY ` + strings.Join(inner, `, `) + ` LIMIT ` + fmt.Sprint(limit)
	}
	if len(pages) == 1 {
		lq.page = pages[0]
	} else {
		lq.page = `SELECT * FROM ((` + strings.Join(pages, `) UNION ALL (`) + `)) AS o ORDER BY ` +
			strings.Join(outer, `, `) + ` LIMIT ` + fmt.Sprint(limit)
	}
	lq.pageArgs = a
	return lq, nil
}

// sqlArgs are the arguments of a query being written.
type sqlArgs []any

// add appends v and returns its placeholder.
func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// phoneDigitsSQL is a phone number's digits, as the phone search index
// (migration 0010) holds them.
const phoneDigitsSQL = `regexp_replace(o.customer_phone, '[^0-9]', '', 'g')`

// searchConditions are the search's condition on the order's own fields
// of orders o, written with the arguments of a query, and the LIKE
// pattern that finds the text in its lines' texts (lineTextsLike). The
// text is looked for anywhere in each field through the fields' trigram
// indexes, except an order number or its start ("C-2026-0001"), looked up
// in the number's btree index. A text under MinSearchLength characters has
// no trigram to look up: it is refused.
func searchConditions(q string) (own func(a *sqlArgs) string, like string, err error) {
	if utf8.RuneCountInString(q) < MinSearchLength {
		return nil, "", order.Refuse("q", "refusal.search_too_short", locale.Count(MinSearchLength), locale.Text(q))
	}
	like = "%" + escapeLike(q) + "%"
	own = func(a *sqlArgs) string {
		p := a.add(like)
		number := `o.number ILIKE ` + p
		if numberStart.MatchString(q) {
			number = `lower(o.number) LIKE lower(` + a.add(escapeLike(q)+"%") + `)`
		}
		cond := number + ` OR o.customer_name ILIKE ` + p
		if email := emailCondition(q, p, a); email != "" {
			cond += ` OR ` + email
		}
		if d := phoneDigits(q); d != "" {
			cond += ` OR ` + phoneDigitsSQL + ` LIKE ` + a.add("%"+d+"%")
		}
		return `(` + cond + `)`
	}
	return own, like, nil
}

// emailCondition is the search's condition on the customer's email, for
// the text q whose LIKE pattern is the argument p. An email has no space:
// a text with one is not looked for there (its trigrams would only make the
// email index read itself for nothing). A text with an @ is looked up in
// the index by what comes before the @, and the whole text checked on the
// rows found: a shop's customers share a few domains, whose trigrams are in
// nearly every email, and the index read most of itself for them (70 ms at
// a million orders, 20 without).
func emailCondition(q, p string, a *sqlArgs) string {
	if strings.ContainsFunc(q, unicode.IsSpace) {
		return ""
	}
	local, _, ok := strings.Cut(q, "@")
	if !ok || utf8.RuneCountInString(local) < MinSearchLength {
		return `o.customer_email ILIKE ` + p
	}
	// (o.customer_email || '') is not the indexed column: checked, not looked up.
	return `(o.customer_email ILIKE ` + a.add("%"+escapeLike(local)+"@%") + ` AND (o.customer_email || '') ILIKE ` + p + `)`
}

// numberStart matches what can only be the start of an order number:
// letters, a dash, a digit ("C-2026-000123", "c-2026-0001").
var numberStart = regexp.MustCompile(`^[A-Za-z]+-[0-9][0-9-]*$`)

// phoneDigits is what a query that looks like a phone number (digits,
// spaces, dots, dashes, parentheses, a leading +) is searched as among the
// phones' digits: its digits without the country code 33 (+33, 0033) or the
// leading 0 of a French number, so "06 12 34 56 78", "+33 6 12 34 56 78"
// and "0612345678" find the same phone. Empty when the query does not look
// like a phone or has fewer than 4 such digits.
func phoneDigits(q string) string {
	var b strings.Builder
	for i, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '/' || r == '\u00a0':
		case r == '+' && i == 0:
		default:
			return ""
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(q, "+33"):
		d = strings.TrimPrefix(d, "33")
	case strings.HasPrefix(d, "0033"):
		d = strings.TrimPrefix(d, "0033")
	}
	d = strings.TrimLeft(d, "0")
	if len(d) < 4 {
		return ""
	}
	return d
}

// escapeLike makes a search text match literally under LIKE.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// TakeHold gives the order to a procedure (the shop's "Mod ON -> OFF"): the
// warehouse cannot move it until ReleaseHold. Only an order awaiting
// printing, not archived nor cancelled, can be held, and by one procedure
// at a time; taking it again by the same holder is a no-op (a retry). A
// refusal is a *order.NotModifiableError naming the logistics status or the
// other holder, or an error wrapping order.ErrNotModifiable.
func (s *Store) TakeHold(ctx context.Context, number, holder string) (order.Order, error) {
	return s.takeHold(ctx, number, holder, nil)
}

// TakeHoldNoted is TakeHold that also writes ev, the hold's line of the
// order's history (once per ev.Key), in the same statement as the hold:
// the hold and its line together or neither. It reads the order only to
// say why it is refused: a hold taken is one statement.
func (s *Store) TakeHoldNoted(ctx context.Context, number, holder string, ev Event) error {
	_, err := s.takeHold(ctx, number, holder, &ev)
	return err
}

func (s *Store) takeHold(ctx context.Context, number, holder string, ev *Event) (order.Order, error) {
	if holder == "" {
		return order.Order{}, fmt.Errorf("store.TakeHold(%s): %w", number, order.Refuse("holder", "refusal.hold_without_holder"))
	}
	const hold = `
		UPDATE orders SET hold_by = $2
		WHERE number = $1 AND logistics_status = 'awaiting_printing'
			AND (hold_by IS NULL OR hold_by = $2)
			AND archived_at IS NULL AND status <> 'cancelled'
		RETURNING id`
	sql, args := `WITH held AS (`+hold+`) SELECT count(*) FROM held`, []any{number, holder}
	if ev != nil {
		vals, err := eventValues(*ev)
		if err != nil {
			return order.Order{}, fmt.Errorf("store.TakeHold(%s): %w", number, err)
		}
		sql = `WITH held AS (` + hold + `), noted AS (
			INSERT INTO order_events (` + eventInsertColumns + `)
			SELECT held.id, ` + eventSelectValues(3) + ` FROM held
			ON CONFLICT (event_key) DO NOTHING)
		SELECT count(*) FROM held`
		args = append(args, vals...)
	}
	for attempt := 0; attempt < 3; attempt++ {
		var (
			held int
			o    order.Order
			err  error
		)
		if ev != nil {
			// The hold and its line; the order is read only when refused.
			if err = s.pool.QueryRow(ctx, sql, args...).Scan(&held); err == nil && held == 0 {
				o, err = loadOrder(ctx, s.pool, `number = $1`, number)
			}
		} else {
			// The hold, then the order as it is after it (held, or
			// saying why not), in one round trip.
			o, err = loadOrderAfter(ctx, s.pool, &rowStmt{sql, args, func(br pgx.BatchResults) error {
				return br.QueryRow().Scan(&held)
			}}, `number = $1`, number)
		}
		if err != nil {
			return order.Order{}, fmt.Errorf("store.TakeHold(%s): %w", number, err)
		}
		if held == 1 {
			return o, nil
		}
		switch {
		case o.HoldBy != "" && o.HoldBy != holder:
			return order.Order{}, fmt.Errorf("store.TakeHold(%s): %w", number,
				&order.NotModifiableError{Number: number, Logistics: o.Logistics, HoldBy: o.HoldBy})
		case o.Logistics != order.LogisticsAwaitingPrinting, o.Status == order.StatusCancelled, o.ArchivedAt != nil:
			return order.Order{}, fmt.Errorf("store.TakeHold(%s): %w", number, order.CheckModifiable(o))
		}
		// The order changed between the update and the look: try again.
	}
	return order.Order{}, fmt.Errorf("store.TakeHold(%s): the order keeps changing, try again: %w", number, order.ErrNotModifiable)
}

// ReleaseHold gives the order back to the automatic logistics flow. Only
// the holder releases it; releasing a hold one does not have (a retry, a
// compensation after a hold that was never taken) does nothing.
func (s *Store) ReleaseHold(ctx context.Context, number, holder string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE orders SET hold_by = NULL WHERE number = $1 AND hold_by = $2`, number, holder); err != nil {
		return fmt.Errorf("store.ReleaseHold(%s): %w", number, err)
	}
	return nil
}

// ReleaseHoldNoted is ReleaseHold that also writes ev, the release's line
// of the order's history (once per ev.Key), in the same statement: the
// line is written when, and only when, this call released the hold. It
// reports whether it did (false: the order is unknown, or holder did not
// hold it).
func (s *Store) ReleaseHoldNoted(ctx context.Context, number, holder string, ev Event) (bool, error) {
	vals, err := eventValues(ev)
	if err != nil {
		return false, fmt.Errorf("store.ReleaseHold(%s): %w", number, err)
	}
	var released int
	err = s.pool.QueryRow(ctx, `
		WITH released AS (
			UPDATE orders SET hold_by = NULL WHERE number = $1 AND hold_by = $2 RETURNING id
		), noted AS (
			INSERT INTO order_events (`+eventInsertColumns+`)
			SELECT released.id, `+eventSelectValues(3)+` FROM released
			ON CONFLICT (event_key) DO NOTHING)
		SELECT count(*) FROM released`, append([]any{number, holder}, vals...)...).Scan(&released)
	if err != nil {
		return false, fmt.Errorf("store.ReleaseHold(%s): %w", number, err)
	}
	return released == 1, nil
}

// SetLogisticsStatus is the warehouse's move of an order (awaiting printing
// -> printing -> prepared -> shipped, or printing back to awaiting
// printing). It is refused with ErrOrderHeld while a procedure holds the
// order and with ErrLogisticsMove when the move is not allowed; moving to
// the current status is a no-op (a retried request). Each move is written to
// the order's history, by actor.
func (s *Store) SetLogisticsStatus(ctx context.Context, number string, to order.LogisticsStatus, actor string) error {
	if !to.Valid() {
		return fmt.Errorf("store.SetLogisticsStatus(%s): %w", number, order.Refuse("logistics_status", "refusal.logistics_status_unknown", locale.Text(string(to))))
	}
	var from []string
	for _, st := range order.LogisticsStatuses {
		if st.CanMoveTo(to) {
			from = append(from, string(st))
		}
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var (
			id   int64
			prev order.LogisticsStatus
		)
		err := tx.QueryRow(ctx, `
			WITH cur AS (SELECT id, logistics_status FROM orders WHERE number = $1 FOR UPDATE)
			UPDATE orders o SET logistics_status = $2, version = o.version + 1, updated_at = now()
			FROM cur
			WHERE o.id = cur.id AND o.hold_by IS NULL AND cur.logistics_status = ANY($3)
			RETURNING o.id, cur.logistics_status`,
			number, to, from).Scan(&id, &prev)
		if errors.Is(err, pgx.ErrNoRows) {
			return s.whyNoMove(ctx, tx, number, to)
		}
		if err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"from": string(prev), "to": string(to)})
		_, err = insertEvent(ctx, tx, Event{
			OrderID:   id,
			ActorKind: ActorWarehouse,
			Actor:     actor,
			Kind:      "logistics_status_changed",
			Message:   fmt.Sprintf("Statut logistique : %s → %s", prev.Label("fr"), to.Label("fr")),
			Data:      data,
		})
		return err
	})
	if errors.Is(err, errNoChange) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.SetLogisticsStatus(%s): %w", number, err)
	}
	return nil
}

// errNoChange ends a transaction that had nothing to do.
var errNoChange = errors.New("no change")

func (s *Store) whyNoMove(ctx context.Context, q querier, number string, to order.LogisticsStatus) error {
	var (
		cur    order.LogisticsStatus
		holdBy string
	)
	err := q.QueryRow(ctx, `SELECT logistics_status, coalesce(hold_by, '') FROM orders WHERE number = $1`, number).Scan(&cur, &holdBy)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case cur == to:
		return errNoChange
	case holdBy != "":
		return fmt.Errorf("procedure %s holds the order: %w", holdBy, ErrOrderHeld)
	default:
		return fmt.Errorf("an order %s (%s) cannot move to %s: %w", cur, cur.Label("en"), to, ErrLogisticsMove)
	}
}

// SaveContentChange applies a content change that the procedure holding
// the order computed (order.ApplyContentChange): new quantities, removed
// lines, new totals, and one history event ev carrying res as its data.
// It is keyed by ev.Key: when that event exists already the step ran
// before, and its event is returned unchanged. It fails when holder does
// not hold the order.
//
// It costs four round trips whatever the change: the order's lock with
// its lines and the key's check, the products added if any, then every
// write in one batch; only the lines that change are written, in one
// statement, and the removal runs only when a line goes.
func (s *Store) SaveContentChange(ctx context.Context, number, holder string, res order.ContentResult, ev Event) (Event, error) {
	var saved Event
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var (
			id        int64
			holdBy    string
			logistics order.LogisticsStatus
			lineIDs   []int64
			done      bool
		)
		err := tx.QueryRow(ctx, `
			SELECT id, coalesce(hold_by, ''), logistics_status,
				ARRAY(SELECT l.id FROM order_lines l WHERE l.order_id = orders.id),
				EXISTS (SELECT 1 FROM order_events WHERE event_key = $2)
			FROM orders WHERE number = $1 FOR UPDATE`, number, nullIfEmpty(ev.Key)).
			Scan(&id, &holdBy, &logistics, &lineIDs, &done)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if done {
			// A retry of a step that committed.
			saved, err = one[Event](tx.Query(ctx, `SELECT `+eventColumns+` FROM order_events WHERE event_key = $1`, ev.Key))
			return err
		}
		switch {
		case holdBy == "":
			return fmt.Errorf("no procedure holds order %s, %s must take the hold first: %w", number, holder, ErrNotHeld)
		case holdBy != holder:
			return fmt.Errorf("%w (%w)", &order.NotModifiableError{Number: number, Logistics: logistics, HoldBy: holdBy}, ErrNotHeld)
		}

		keep := make([]int64, 0, len(res.Lines))
		var added []order.Line // the products the change adds
		var upd struct {
			ids, quantities, prices, vats []int64
			skus, names                   []string
			physical                      []bool
		}
		for _, l := range res.Lines {
			if l.ID == 0 {
				added = append(added, order.Line{SKU: l.SKU, Name: l.Name, UnitPrice: l.UnitPrice, Quantity: l.Quantity, VATRate: l.VATRate, Physical: l.Physical})
				continue
			}
			if !slices.Contains(lineIDs, l.ID) {
				return fmt.Errorf("line %d (%s) is not in order %s", l.ID, l.SKU, number)
			}
			keep = append(keep, l.ID)
			upd.ids, upd.quantities, upd.prices, upd.vats = append(upd.ids, l.ID), append(upd.quantities, l.Quantity), append(upd.prices, l.UnitPrice), append(upd.vats, l.VATRate)
			upd.skus, upd.names, upd.physical = append(upd.skus, l.SKU), append(upd.names, l.Name), append(upd.physical, l.Physical)
		}
		if len(added) > 0 {
			var pos int
			if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM order_lines WHERE order_id = $1`, id).Scan(&pos); err != nil {
				return err
			}
			ids, err := insertLines(ctx, tx, id, pos, added)
			if err != nil {
				return fmt.Errorf("add %w", err)
			}
			keep = append(keep, ids...)
		}

		data, err := json.Marshal(res)
		if err != nil {
			return err
		}
		ev.OrderID, ev.Data = id, data
		vals, err := eventValues(ev)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		if len(upd.ids) > 0 {
			// The lines whose values change; the others are left alone.
			b.Queue(`
				UPDATE order_lines l SET quantity = v.quantity, sku = v.sku, name = v.name, unit_price_cents = v.price,
					vat_rate_bp = v.vat, physical = v.physical
				FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bool[])
					AS v(id, quantity, sku, name, price, vat, physical)
				WHERE l.id = v.id AND l.order_id = $1
					AND (l.quantity, l.sku, l.name, l.unit_price_cents, l.vat_rate_bp, l.physical)
						IS DISTINCT FROM (v.quantity, v.sku, v.name, v.price, v.vat, v.physical)`,
				id, upd.ids, upd.quantities, upd.skus, upd.names, upd.prices, upd.vats, upd.physical)
		}
		if slices.ContainsFunc(lineIDs, func(lid int64) bool { return !slices.Contains(keep, lid) }) {
			b.Queue(`DELETE FROM order_lines WHERE order_id = $1 AND NOT (id = ANY($2))`, id, keep)
		}
		b.Queue(`
			UPDATE orders SET merchandise_cents = $2, discount_cents = $3, shipping_cents = $4, total_cents = $5,
				version = version + 1, updated_at = now()
			WHERE id = $1`,
			id, res.After.Merchandise, res.After.Discount, res.After.Shipping, res.After.Total)
		b.Queue(`
			INSERT INTO order_events (`+eventInsertColumns+`)
			VALUES ($1, coalesce($2, now()), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			RETURNING `+eventColumns, append([]any{id}, vals...)...)
		br := tx.SendBatch(ctx, b)
		for range b.Len() - 1 {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		if saved, err = one[Event](br.Query()); err != nil {
			br.Close()
			return err
		}
		return br.Close()
	})
	if err != nil {
		return Event{}, fmt.Errorf("store.SaveContentChange(%s): %w", number, err)
	}
	return saved, nil
}
