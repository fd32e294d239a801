package starter_test

// TestMoneyModel is the randomized model test of the money procedures: it
// runs seeded random sequences of what agents, customers, operators and the
// payment provider do to one or two orders, against the real stack (a
// PostgreSQL store, a Temporal dev server and a worker, the sandbox payment
// provider over HTTP, with faults), and after every operation checks that
// money moved once and right (model_invariants_test.go).
//
// The operations and the answers to the tasks they open are in
// model_ops_test.go and model_drive_test.go.
//
//	go test -count=1 -run '^TestMoneyModel$' -v ./starter/
//	ORDERDESK_MODEL_SEED=42 ORDERDESK_MODEL_SEQUENCES=250 go test ...   (make chaos)
//	ORDERDESK_MODEL_SEED=42 ORDERDESK_MODEL_SEQUENCE=17 go test ...     (one sequence again)
//
// A sequence's draws come from a PCG seeded with the seed and the
// sequence's number, so a sequence replays the same operations and
// answers; the timing of the stack (retries, a worker restart) may differ.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/orderdesk/orderdesk/activities"
	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/payments"
	"github.com/orderdesk/orderdesk/payments/sandbox"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

// modelApproveAbove is the shop's approval limit in the model: money
// leaving above 200 € waits for a supervisor.
const modelApproveAbove = 20000

// modelConfig is what the environment asks of the run.
type modelConfig struct {
	seed      uint64
	sequences int
	only      int // the one sequence to run again; -1: all
	lanes     int // sequences run at once
	hangAfter time.Duration
}

func modelConfigFromEnv(t *testing.T) modelConfig {
	t.Helper()
	cfg := modelConfig{seed: uint64(time.Now().UnixNano()) % 1_000_000_000, sequences: 50, only: -1, lanes: 4, hangAfter: 20 * time.Second}
	if testing.Short() {
		cfg.sequences = 10
	}
	num := func(name string, set func(int64)) {
		v := os.Getenv(name)
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a number of 0 or more", name, v)
		}
		set(n)
	}
	num("ORDERDESK_MODEL_SEED", func(n int64) { cfg.seed = uint64(n) })
	num("ORDERDESK_MODEL_SEQUENCES", func(n int64) { cfg.sequences = int(n) })
	num("ORDERDESK_MODEL_SEQUENCE", func(n int64) { cfg.only = int(n) })
	num("ORDERDESK_MODEL_LANES", func(n int64) { cfg.lanes = max(int(n), 1) })
	return cfg
}

// replay is the command that runs one sequence again.
func (c modelConfig) replay(seq int) string {
	return fmt.Sprintf("ORDERDESK_MODEL_SEED=%d ORDERDESK_MODEL_SEQUENCE=%d go test -count=1 -run '^TestMoneyModel$' -v ./starter/", c.seed, seq)
}

func TestMoneyModel(t *testing.T) {
	cfg := modelConfigFromEnv(t)
	env := newModelEnv(t, cfg)
	seqs := make([]int, 0, cfg.sequences)
	for i := range cfg.sequences {
		seqs = append(seqs, i)
	}
	if cfg.only >= 0 {
		seqs, cfg.lanes = []int{cfg.only}, 1
	}
	fmt.Printf("money model: seed %d, %d sequences, %d at once (one again: %s)\n", cfg.seed, len(seqs), cfg.lanes, cfg.replay(0))
	start := time.Now()

	next := make(chan int)
	var wg sync.WaitGroup
	for range cfg.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range next {
				env.runSequence(seq)
			}
		}()
	}
	for _, seq := range seqs {
		next <- seq
	}
	close(next)
	wg.Wait()

	fmt.Printf("money model: %d sequences, %d procedures, %d returns (%d settled), %d invariant checks, seed %d (%s, %d violations)\n",
		len(seqs), env.procedures.Load(), env.returns.Load(), env.settled.Load(), env.checks.Load(), cfg.seed, time.Since(start).Round(time.Second), env.failed.Load())
}

// modelEnv is the stack every sequence shares: one store, one worker (with
// the sandbox registered for cards and bank transfers, through a router
// that gives each sequence a sandbox of its own), one starter.
type modelEnv struct {
	t         *testing.T
	cfg       modelConfig
	store     *store.Store
	client    client.Client
	starter   *starter.Starter
	collector *starter.Collector
	deps      worker.Deps
	queue     string
	router    *modelRouter
	agents    map[string]string // email -> role, as the agents table says

	workerMu sync.Mutex
	worker   sdkworker.Worker
	// ops is held (read) by every operation and taken whole by one that
	// kills the worker: an activity cut by the kill waits out its timeout
	// (up to a minute) before it is retried, and should hold up only the
	// sequence that asked for the kill.
	ops sync.RWMutex
	// restarts counts the worker restarts under way: the operation that
	// asked for one waits for it before the others go on.
	restarts sync.WaitGroup

	procedures atomic.Int64
	checks     atomic.Int64
	failed     atomic.Int64
	returns    atomic.Int64 // returns started
	settled    atomic.Int64 // returns that settled a refund
}

// modelShop is the shop of the model: invoices, payment links and the
// merchant's notifications.
var modelShop = activities.Shop{
	Seller: store.Seller{
		Name: "Boutique du Vieux Lyon SARL", Address: order.Address{Line1: "3 rue Saint-Jean", PostalCode: "69005", City: "Lyon", Country: "FR"},
		SIRET: "12345678900012", VATNumber: "FR32123456789",
	},
	MerchantEmail:  "boutique@vieuxlyon.test",
	PaymentLinkURL: "https://pay.vieuxlyon.test/invoices",
}

func newModelEnv(t *testing.T, cfg modelConfig) *modelEnv {
	t.Helper()
	st := devstacktest.NewStore(t)
	devstacktest.AddAgents(t, st)
	shared, _ := devstacktest.Temporal(t)
	// The faults make activities fail on purpose: the worker's log of each
	// failure would bury the model's report.
	c, err := client.NewClientFromExistingWithContext(context.Background(), shared, devstacktest.ClientOptions(client.Options{
		Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}))
	if err != nil {
		t.Fatalf("a quiet Temporal client: %v", err)
	}
	t.Cleanup(c.Close)
	router := &modelRouter{byOrder: map[string]*sandbox.Client{}}
	reg := payments.NewRegistry()
	reg.Set(order.PayCard, router)
	reg.Set(order.PayBankTransfer, router)
	e := &modelEnv{
		t: t, cfg: cfg, store: st, client: c, router: router, agents: devstacktest.ShopAgents,
		deps:  worker.Deps{Store: st, Sender: mail.DevSender{}, Payments: reg, Shop: modelShop},
		queue: "test-money-model",
	}
	e.worker = worker.New(c, e.deps, worker.Options{TaskQueue: e.queue})
	if err := e.worker.Start(); err != nil {
		t.Fatalf("starting the worker: %v", err)
	}
	t.Cleanup(func() {
		e.workerMu.Lock()
		defer e.workerMu.Unlock()
		e.worker.Stop()
	})
	s := starter.New(c, st, starter.Options{TaskQueue: e.queue, Settings: workflows.Settings{ApproveAbove: modelApproveAbove}})
	e.starter = s
	e.collector = starter.NewCollector(s, st, starter.CollectOptions{Seller: modelShop.Seller})
	return e
}

// restartWorker stops the worker, as a crash or a deploy does, and starts a
// new one on the same task queue.
func (e *modelEnv) restartWorker() {
	e.workerMu.Lock()
	defer e.workerMu.Unlock()
	e.worker.Stop()
	e.worker = worker.New(e.client, e.deps, worker.Options{TaskQueue: e.queue})
	if err := e.worker.Start(); err != nil {
		e.t.Errorf("money model: restarting the worker: %v", err)
	}
}

// modelRouter is the payment gateway of the model's worker: the sandbox of
// the sequence that owns the order, so that each sequence has its own
// provider, faults and transfers.
type modelRouter struct {
	mu      sync.Mutex
	byOrder map[string]*sandbox.Client
	all     []*sandbox.Client
}

func (r *modelRouter) add(number string, c *sandbox.Client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byOrder[number] = c
	r.all = append(r.all, c)
}

func (r *modelRouter) route(number string) (*sandbox.Client, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.byOrder[number]
	if !ok {
		return nil, fmt.Errorf("money model: no sandbox for order %q", number)
	}
	return c, nil
}

// orderOfKey is the order number in an idempotency key, which starts with
// the procedure's workflow id: "cancel-refund/<order>/<request>/settle/refund".
func orderOfKey(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

func (r *modelRouter) Name() string { return "sandbox" }

func (r *modelRouter) Refund(ctx context.Context, req payments.RefundRequest) (payments.Result, error) {
	c, err := r.route(req.Reference)
	if err != nil {
		return payments.Result{}, err
	}
	return c.Refund(ctx, req)
}

func (r *modelRouter) Payout(ctx context.Context, p payments.PayoutRequest) (payments.Result, error) {
	c, err := r.route(p.Reference)
	if err != nil {
		return payments.Result{}, err
	}
	return c.Payout(ctx, p)
}

func (r *modelRouter) Status(ctx context.Context, providerRef string) (payments.Result, error) {
	r.mu.Lock()
	all := append([]*sandbox.Client(nil), r.all...)
	r.mu.Unlock()
	err := error(payments.ErrNotFound)
	for _, c := range all {
		var res payments.Result
		if res, err = c.Status(ctx, providerRef); err == nil {
			return res, nil
		}
	}
	return payments.Result{}, err
}

func (r *modelRouter) Find(ctx context.Context, key string) (payments.Result, error) {
	c, err := r.route(orderOfKey(key))
	if err != nil {
		return payments.Result{}, err
	}
	return c.Find(ctx, key)
}

func (r *modelRouter) List(ctx context.Context, since time.Time) ([]payments.Transfer, error) {
	r.mu.Lock()
	all := append([]*sandbox.Client(nil), r.all...)
	r.mu.Unlock()
	var out []payments.Transfer
	for _, c := range all {
		ts, err := c.List(ctx, since)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// payKind is how a model order is paid, which decides how its money goes
// back.
type payKind int

const (
	payCard           payKind = iota // a card refunded through the provider
	payCardExpired                   // a card the provider cannot refund: the customer chooses how to be paid back
	payPayPal                        // no refund API: an agent refunds by hand
	payChequePaid                    // a cheque received
	payChequeUnpaid                  // a cheque awaited
	payTransferUnpaid                // a bank transfer awaited
)

func (k payKind) String() string {
	return [...]string{"card", "expired card", "PayPal", "cheque received", "cheque awaited", "transfer awaited"}[k]
}

// modelOrder is an order of a sequence, with what the model knows of it
// beyond the database: decisions of the shop that leave money on purpose.
type modelOrder struct {
	number string
	id     int64
	pay    payKind
	// kept says why the customer may have paid more than the total with no
	// task to give it back: the shop decided so (a partial refund, a
	// rejected refund). shownDue says why the customer may show as owing
	// with no collection: the shop gave back more than the items were
	// worth (a commercial gesture). stopped: an operator stopped one of its
	// procedures, or one failed for an operator to look at.
	kept, shownDue, stopped string
	// goodwill is what was given back as commercial gestures: money the
	// customer does not owe, whatever the order's total says.
	goodwill int64
}

// model is one sequence: its draws, its orders, its sandbox, what it
// started and decided, and the violations found.
type model struct {
	env    *modelEnv
	cfg    modelConfig
	seq    int
	rng    *rand.Rand
	ctx    context.Context
	sb     *sandbox.Server
	client *sandbox.Client
	orders []*modelOrder

	ops        []string
	violations []string
	checks     int
	reqSeq     int

	procs       map[string]bool   // workflow ids of the sequence's procedures
	closed      map[string]string // their status once ended
	decided     map[int64]string  // task id -> what the model did with it
	requester   map[string]string // settlement workflow id -> who asked for the money to go
	typer       map[string]string // settlement workflow id -> who typed where a payback goes
	confirmSeen map[string]string // collections whose confirmation button the model pressed or left
	mailAsked   map[string]int    // mail-cheque workflow id -> times the cheque_mailed task was answered
	expectFail  map[string]string // workflow id -> why it may fail
	collAgent   map[string]string // collection workflow id -> the agent it collects for
	openTasks   map[string][]store.Task
	returns     map[string]*modelReturn // return workflow id -> the return

	fault, kill    string        // the provider fault and the worker kill of the current operation
	hangAfter      time.Duration // how long a procedure may be busy in the current operation
	killOnCommit   atomic.Bool
	revokeOnCommit atomic.Bool
	aborted        bool
	reported       map[string]bool // violations already reported, by text
}

func (e *modelEnv) runSequence(seq int) {
	m := &model{
		env: e, cfg: e.cfg, seq: seq, ctx: context.Background(),
		rng:   rand.New(rand.NewPCG(e.cfg.seed, uint64(seq))),
		procs: map[string]bool{}, closed: map[string]string{}, decided: map[int64]string{},
		requester: map[string]string{}, typer: map[string]string{}, confirmSeen: map[string]string{},
		mailAsked: map[string]int{}, expectFail: map[string]string{}, collAgent: map[string]string{},
		reported: map[string]bool{}, hangAfter: e.cfg.hangAfter, returns: map[string]*modelReturn{},
	}
	m.sb = sandbox.NewServer(sandbox.Options{APIKey: "sk_test", AfterCommit: m.afterCommit})
	url, err := m.sb.Start()
	if err != nil {
		e.t.Errorf("money model: sequence %d: starting its sandbox: %v", seq, err)
		return
	}
	defer func() { _ = m.sb.Close() }()
	m.client = &sandbox.Client{BaseURL: url, APIKey: "sk_test"}

	for k := range 1 + m.rng.IntN(2) {
		if !m.newOrder(k) {
			m.report()
			return
		}
	}
	m.log("orders: %s", m.describeOrders())
	m.checkInvariants()
	for n := 3 + m.rng.IntN(6); n > 0 && !m.aborted; n-- {
		m.step()
		if !m.aborted {
			m.checkInvariants()
		}
	}
	e.procedures.Add(int64(len(m.procs)))
	for _, r := range m.returns {
		if r.inspected && len(r.accepted) > 0 {
			e.settled.Add(1)
		}
	}
	e.checks.Add(int64(m.checks))
	m.report()
}

// log records what the sequence did, for a report.
func (m *model) log(format string, args ...any) {
	m.ops = append(m.ops, fmt.Sprintf(format, args...))
}

// check counts one invariant check.
func (m *model) check() { m.checks++ }

// violate records a broken invariant, with the operations so far.
func (m *model) violate(invariant, format string, args ...any) {
	m.violateOnce("", invariant, format, args...)
}

// violateOnce is violate reported once per key (once per text when the
// key is empty): a violation that lasts is one violation.
func (m *model) violateOnce(key, invariant, format string, args ...any) {
	msg := fmt.Sprintf("[%s] %s", invariant, fmt.Sprintf(format, args...))
	if key == "" {
		key = msg
	}
	if m.reported[key] {
		return // still broken: reported once
	}
	m.reported[key] = true
	m.violations = append(m.violations, fmt.Sprintf("after op %d: %s", len(m.ops)-1, msg))
}

// abort stops the sequence: what follows would mean nothing.
func (m *model) abort(invariant, format string, args ...any) {
	m.violate(invariant, format, args...)
	m.aborted = true
}

func (m *model) report() {
	if len(m.violations) == 0 {
		if m.cfg.only >= 0 { // a replay shows what it did
			fmt.Printf("money model: seed %d, sequence %d:\n    %s\n", m.cfg.seed, m.seq, strings.Join(m.ops, "\n    "))
		}
		return
	}
	m.env.failed.Add(int64(len(m.violations)))
	var b strings.Builder
	fmt.Fprintf(&b, "money model: seed %d, sequence %d: %d invariant violations\n", m.cfg.seed, m.seq, len(m.violations))
	fmt.Fprintf(&b, "  replay: %s\n", m.cfg.replay(m.seq))
	b.WriteString("  operations:\n")
	for i, op := range m.ops {
		fmt.Fprintf(&b, "    %d. %s\n", i, op)
	}
	b.WriteString("  violations:\n")
	for _, v := range m.violations {
		fmt.Fprintf(&b, "    %s\n", v)
	}
	fmt.Print(b.String())
	m.env.t.Errorf("money model: seed %d, sequence %d: %d invariant violations (above); replay: %s", m.cfg.seed, m.seq, len(m.violations), m.cfg.replay(m.seq))
}

// modelAgents are the shop's agents, in a fixed order for the draws.
var modelAgents = []string{"marie@boutique.fr", "luc@boutique.fr", "sophie@boutique.fr", "paul@boutique.fr"}

// modelStranger is no agent of the shop.
const modelStranger = "inconnu@example.com"

func (m *model) anyAgent() string { return modelAgents[m.rng.IntN(len(modelAgents))] }

// plainAgent is an agent who is not a supervisor.
func (m *model) plainAgent() string { return modelAgents[m.rng.IntN(2)] }

func (m *model) roleOf(email string) string { return m.env.agents[email] }

func supervisor(role string) bool { return role == store.RoleSupervisor || role == store.RoleAdmin }

// reqID is a request id unique in the sequence.
func (m *model) reqID(prefix string) string {
	m.reqSeq++
	return fmt.Sprintf("%s%d", prefix, m.reqSeq)
}

func (m *model) chance(p float64) bool { return m.rng.Float64() < p }

// modelCatalogue is what the orders of the model contain; the lamp and the
// bike make refunds above the approval limit.
var modelCatalogue = []order.NewLine{
	{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, VATRate: 2000, Physical: true},
	{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, VATRate: 2000, Physical: true},
	{SKU: "PLA-01", Name: "Plaid Croix-Rousse", UnitPrice: 2790, VATRate: 2000, Physical: true},
	{SKU: "LIV-01", Name: "Livre de cuisine lyonnaise", UnitPrice: 3490, VATRate: 550, Physical: true},
	{SKU: "LAM-01", Name: "Lampe Fourvière", UnitPrice: 14900, VATRate: 2000, Physical: true},
	{SKU: "VEL-01", Name: "Vélo pliant", UnitPrice: 32900, VATRate: 2000, Physical: true},
}

// newOrder puts the sequence's k-th order in the database, paid or not.
func (m *model) newOrder(k int) bool {
	number := fmt.Sprintf("M-%d-%d-%d", m.cfg.seed%100000, m.seq, k)
	kind := payKind(m.rng.IntN(6))
	var lines []order.Line
	used := map[string]bool{}
	for range 1 + m.rng.IntN(3) {
		p := modelCatalogue[m.rng.IntN(len(modelCatalogue))]
		if used[p.SKU] {
			continue
		}
		used[p.SKU] = true
		lines = append(lines, order.Line{SKU: p.SKU, Name: p.Name, UnitPrice: p.UnitPrice, Quantity: 1 + int64(m.rng.IntN(3)), VATRate: p.VATRate, Physical: p.Physical})
	}
	logistics := order.LogisticsAwaitingPrinting
	if m.chance(0.1) {
		logistics = order.LogisticsPrinting // content can no longer change
	}
	method := map[payKind]order.PaymentMethod{
		payCard: order.PayCard, payCardExpired: order.PayCard, payPayPal: order.PayPayPal,
		payChequePaid: order.PayCheque, payChequeUnpaid: order.PayCheque, payTransferUnpaid: order.PayBankTransfer,
	}[kind]
	o := order.Order{
		Number: number, Status: order.StatusNew, Logistics: logistics, PaymentMethod: method, Currency: "EUR",
		Customer:      order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:       order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		Delivery:      order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"},
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines:         lines,
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	ref := map[payKind]string{payCard: "ch_" + number, payCardExpired: "ch_expired_" + number, payPayPal: "PAYID-" + number, payChequePaid: "CHQ " + number}[kind]
	if ref != "" {
		o.Status = order.StatusPaid
	}
	saved, err := m.env.store.InsertOrder(m.ctx, o)
	if err != nil {
		m.abort("setup", "inserting order %s: %v", number, err)
		return false
	}
	if ref != "" {
		if _, err := m.env.store.AddPayment(m.ctx, store.Payment{OrderID: saved.ID, Method: string(method), Amount: saved.Totals.Total, Currency: "EUR", Reference: ref}); err != nil {
			m.abort("setup", "paying order %s: %v", number, err)
			return false
		}
		m.sb.AddPayment(ref, saved.Totals.Total)
	}
	m.env.router.add(number, m.client)
	m.orders = append(m.orders, &modelOrder{number: number, id: saved.ID, pay: kind})
	return true
}

func (m *model) describeOrders() string {
	var parts []string
	for _, mo := range m.orders {
		o, err := m.env.store.GetOrder(m.ctx, mo.number)
		if err != nil {
			parts = append(parts, fmt.Sprintf("%s (%v)", mo.number, err))
			continue
		}
		var ls []string
		for _, l := range o.Lines {
			ls = append(ls, fmt.Sprintf("%d×%s@%d", l.Remaining(), l.SKU, l.UnitPrice))
		}
		parts = append(parts, fmt.Sprintf("%s %s %s total %d [%s, shipping %d]", mo.number, mo.pay, o.Logistics, o.Totals.Total, strings.Join(ls, " "), o.ShippingFee))
	}
	return strings.Join(parts, "; ")
}

// get reads an order as it is now.
func (m *model) get(mo *modelOrder) (order.Order, bool) {
	o, err := m.env.store.GetOrder(m.ctx, mo.number)
	if err != nil {
		m.abort("setup", "reading order %s: %v", mo.number, err)
		return o, false
	}
	return o, true
}

func (m *model) orderByNumber(number string) *modelOrder {
	for _, mo := range m.orders {
		if mo.number == number {
			return mo
		}
	}
	return nil
}

// pick draws one of the sequence's orders.
func (m *model) pick() *modelOrder { return m.orders[m.rng.IntN(len(m.orders))] }

// footprint is what a refused request must leave as it was.
type footprint struct {
	total                             int64
	ledger, events, refunds, payments int
	status                            order.Status
}

func (m *model) footprint(mo *modelOrder) footprint {
	var f footprint
	if o, err := m.env.store.GetOrder(m.ctx, mo.number); err == nil {
		f.total, f.status = o.Totals.Total, o.Status
	}
	if es, err := m.env.store.Ledger(m.ctx, mo.id); err == nil {
		f.ledger = len(es)
	}
	if es, err := m.env.store.ListEvents(m.ctx, mo.id); err == nil {
		f.events = len(es)
	}
	if rs, err := m.env.store.ListRefunds(m.ctx, mo.id); err == nil {
		f.refunds = len(rs)
	}
	if ps, err := m.env.store.ListPayments(m.ctx, mo.id); err == nil {
		f.payments = len(ps)
	}
	return f
}

// refused checks a request the starter refused: the refusal names a field
// or the order's state, and nothing was written.
func (m *model) refused(mo *modelOrder, before footprint, what string, err error) {
	var fe *order.FieldError
	var nm *order.NotModifiableError
	m.check()
	if !errors.As(err, &fe) && !errors.As(err, &nm) && !errors.Is(err, order.ErrNotModifiable) {
		m.violate("refusal", "%s refused without naming a field: %v", what, err)
	}
	m.check()
	if after := m.footprint(mo); after != before {
		m.violate("refusal", "%s was refused (%v) but wrote: before %+v, after %+v", what, err, before, after)
	}
	m.log("%s: refused: %v", what, err)
}

// afterCommit is the sandbox's hook after it moved money: when a worker
// kill is due, the worker dies while the provider's answer is on its way.
// When the key is to be revoked, it is revoked right after: the retry of
// a refund whose answer was lost is refused, until an operator fixes the
// key a few seconds later (the procedure keeps retrying with the same key
// meanwhile, since the lost attempt may have moved the money).
func (m *model) afterCommit(tr sandbox.Transfer) {
	if m.revokeOnCommit.CompareAndSwap(true, false) {
		go func() {
			m.sb.SetFaults(sandbox.Faults{Unauthorized: true})
			time.Sleep(3 * time.Second)
			if f := m.sb.Faults(); f.Unauthorized {
				m.sb.SetFaults(sandbox.Faults{})
			}
		}()
	}
	if !m.killOnCommit.CompareAndSwap(true, false) {
		return
	}
	m.env.restarts.Add(1)
	go func() {
		defer m.env.restarts.Done()
		m.env.restartWorker()
	}()
	time.Sleep(300 * time.Millisecond)
}

// track adds a procedure to the sequence's.
func (m *model) track(id string) { m.procs[id] = true }
