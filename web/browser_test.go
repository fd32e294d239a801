package web_test

// Browser tests: an agent in Debian's Chromium, driven by chromedp, against
// the real stack (PostgreSQL, the Temporal dev server, an orderdesk worker
// in this process, the web UI on httptest). A missing Chromium fails the
// test with how to get it: `make test` installs it.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/mail"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/starter"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/worker"
	"github.com/orderdesk/orderdesk/workflows"
)

const testPassword = "correct horse battery"

// liveStack is the whole product for one test: its own database, its own
// task queue on the shared Temporal dev server, the UI on a free port.
type liveStack struct {
	t     *testing.T
	store *store.Store
	url   string
	alloc context.Context // the Chromium of the test process (newChromium)
}

func newLiveStack(t *testing.T, approveAbove int64) *liveStack {
	t.Helper()
	st := devstacktest.NewStore(t)
	c, queue := devstacktest.Worker(t, worker.Deps{Store: st, Sender: mail.DevSender{}})
	s := starter.New(c, st, starter.Options{TaskQueue: queue, Settings: workflows.Settings{ApproveAbove: approveAbove}})
	h := newServer(t, st, starter.NewCollector(s, st, starter.CollectOptions{}), web.Options{ApprovalThreshold: approveAbove,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &liveStack{t: t, store: st, url: srv.URL, alloc: newChromium(t)}
}

// testWriter sends the UI's warnings to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// chromiumPath finds Debian's Chromium ($CHROMIUM first).
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium on this machine: `make test` installs it (apt-get install -y chromium), or set CHROMIUM to a Chrome binary")
}

// newChromium returns the headless Chromium of this test process, started
// by the first browser test and stopped after the last one
// (devstacktest.Main). Starting one per test cost a second or more each;
// the tests stay apart as before, since each agent's window (newAgent) is
// a browser context of its own: its own cookies, storage and cache.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	chromiumOnce.Do(startChromium)
	if chromiumErr != nil {
		t.Fatal(chromiumErr)
	}
	return chromiumRoot
}

var (
	chromiumOnce sync.Once
	chromiumRoot context.Context
	chromiumErr  error
)

func startChromium() {
	path, err := chromiumPath()
	if err != nil {
		chromiumErr = err
		return
	}
	profile, err := os.MkdirTemp("", "orderdesk-chromium-")
	if err != nil {
		chromiumErr = err
		return
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A sandboxed iframe (the emails shown as the customer sees them)
		// renders in the page's process, so a test reads it through the
		// page's DOM; its sandbox (no script, no same origin) still holds.
		chromedp.Flag("disable-features", "IsolateSandboxedIframes"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	// The browser itself: each agent opens a browser context in it.
	root, cancelRoot := chromedp.NewContext(alloc)
	stop := func() {
		cancelRoot()
		cancel()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(root); err != nil {
		stop()
		chromiumErr = fmt.Errorf("starting Chromium (%s): %v", path, err)
		return
	}
	chromiumRoot = root
	devstacktest.RegisterCleanup(stop)
}

// browser is one agent's window: a browser context of its own (its own
// cookies), so two agents can be signed in at once.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
	n    atomic.Int32 // screenshots taken
}

func (s *liveStack) newAgent(email, name, role string) *browser {
	s.t.Helper()
	hash, err := web.HashPassword(testPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.store.CreateAgent(context.Background(), store.Agent{Email: email, Name: name, Role: role, PasswordHash: hash}); err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := chromedp.NewContext(s.alloc, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	// Open the tab on ctx itself: a tab opened under a step's timeout
	// would close when that step ends.
	if err := chromedp.Do(ctx); err != nil {
		s.t.Fatalf("opening a tab: %v", err)
	}
	b := &browser{t: s.t, ctx: ctx, base: s.url, name: strings.SplitN(email, "@", 2)[0]}
	b.do("sign in",
		chromedp.Navigate(s.url+"/orders"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	return b
}

// do runs steps; on failure it saves a screenshot and says where.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 45*time.Second)
	defer cancel()
	for i, st := range steps {
		if err := chromedp.Do(ctx, st); err != nil {
			b.t.Fatalf("%s, step %d (%s): %v\n%s", what, i+1, b.name, err, b.screenshot(what))
		}
	}
}

// text reads an element's text.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	var s string
	err := retryGone(ctx, func() (err error) {
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		return err
	})
	if err != nil {
		b.t.Fatalf("reading %s (%s): %v\n%s", sel, b.name, err, b.screenshot("read "+sel))
	}
	return strings.TrimSpace(s)
}

// retryGone runs read again while it fails because the node it found left
// the page before it was read: the page reloaded in between (a procedure's
// page follows its run), which a slow machine makes likely. Any other
// error, or the deadline of ctx, ends it.
func retryGone(ctx context.Context, read func() error) error {
	for {
		err := read()
		if err == nil || !strings.Contains(err.Error(), "No node with given id found") || ctx.Err() != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// frameText reads the text an iframe of the page shows: the email under
// review, in its sandboxed iframe (newChromium keeps such iframes in the
// page's process, where the page's DOM reaches them).
func (b *browser) frameText(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	var s string
	err := retryGone(ctx, func() error {
		frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel)))
		if err != nil || len(frames) != 1 {
			b.t.Fatalf("finding the iframe %s (%s): %d found, %v\n%s", sel, b.name, len(frames), err, b.screenshot("find "+sel))
		}
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"), chromedp.FromNode(frames[0])))
		return err
	})
	if err != nil {
		b.t.Fatalf("reading the iframe %s (%s): %v\n%s", sel, b.name, err, b.screenshot("read "+sel))
	}
	return strings.TrimSpace(s)
}

// screenshot saves the page as it is, for a failure message.
func (b *browser) screenshot(what string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	name := strings.NewReplacer("/", "-", " ", "-").Replace(fmt.Sprintf("orderdesk-%s-%s-%d.png", b.t.Name(), b.name, b.n.Add(1)))
	path := filepath.Join(os.TempDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	b.t.Logf("screenshot of %q: %s", what, path)
	return "screenshot: " + path
}

// state reads the procedure page: the kind and id of the open task shown,
// and the run's status.
func (b *browser) state() (kind, taskID, status string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const t = document.querySelector('#open-task .task-answer'), s = document.getElementById('run-status');
		return (t ? t.dataset.kind + ' ' + t.id : '- -') + ' ' + (s ? s.textContent.trim() : '');
	})()`))
	if err != nil {
		return "", "", ""
	}
	f := strings.SplitN(v, " ", 3)
	if len(f) < 3 {
		return "", "", ""
	}
	return f[0], f[1], f[2]
}

// answerer answers a task shown on the procedure page, from the task's id.
type answerer func(b *browser, id string)

// follow stays on a procedure page, answering each task with answers[kind]
// as the page shows it, until the procedure ends; it returns the kinds
// asked, in order. A task kind without an answer fails the test.
func (b *browser) follow(answers map[string]answerer, stopAt string) []string {
	b.t.Helper()
	var asked []string
	done := map[string]bool{}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		kind, id, status := b.state()
		switch {
		case kind != "" && kind != "-" && !done[id]:
			asked = append(asked, kind)
			if kind == stopAt {
				return asked
			}
			answer, ok := answers[kind]
			if !ok {
				b.t.Fatalf("the procedure asks %q, which this test does not answer\n%s", kind, b.screenshot("unexpected task"))
			}
			done[id] = true
			answer(b, strings.TrimPrefix(id, "task-"))
		case status == "Terminée":
			return asked
		case status == "Échouée" || status == "Arrêtée" || status == "Annulée":
			b.t.Fatalf("the procedure ended %s\n%s", status, b.screenshot("procedure ended"))
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.t.Fatalf("the procedure did not end in time (tasks asked: %v)\n%s", asked, b.screenshot("timeout"))
	return asked
}

// click answers with the button of an outcome.
func click(outcome string) answerer {
	return func(b *browser, id string) {
		b.do("answer "+outcome, chromedp.Click(chromedp.CSS("#answer-"+id+"-"+outcome)))
	}
}

// refundDone answers "refund done" with the provider's reference.
func refundDone(b *browser, id string) {
	b.do("refund done",
		chromedp.SendKeys(chromedp.CSS("#task-"+id+` input[name="provider_ref"]`), "re_3Q"+id),
		chromedp.Click(chromedp.CSS("#answer-"+id+"-refund_done")))
}

// insertPaidOrder puts a paid order awaiting printing in the database: two
// mugs at 12,50 € and a T-shirt at 25 € (50 €, free shipping from 50 €).
func insertPaidOrder(t *testing.T, st *store.Store, number string, method order.PaymentMethod) order.Order {
	t.Helper()
	return insertTestOrder(t, st, number, method, true)
}

// insertTestOrder is the order of insertPaidOrder, paid or awaiting its
// payment.
func insertTestOrder(t *testing.T, st *store.Store, number string, method order.PaymentMethod, paid bool) order.Order {
	t.Helper()
	ctx := context.Background()
	addr := order.Address{Name: "Camille Martin", Line1: "12 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}
	o := order.Order{
		Number: number, Status: order.StatusPaid, Logistics: order.LogisticsAwaitingPrinting, PaymentMethod: method, Currency: "EUR",
		Customer: order.Customer{Name: "Camille Martin", Email: "camille.martin@example.fr", Locale: "fr"},
		Billing:  addr, Delivery: addr,
		ShippingRules: order.ShippingRules{Method: "Colissimo domicile", Fee: 690, FreeFrom: 5000, VATRate: 2000},
		Lines: []order.Line{
			{SKU: "MUG-01", Name: "Mug Tour Eiffel", UnitPrice: 1250, Quantity: 2, VATRate: 2000, Physical: true},
			{SKU: "TSH-M", Name: "T-shirt Lyon M", UnitPrice: 2500, Quantity: 1, VATRate: 2000, Physical: true},
		},
	}
	o.ShippingFee = order.ShippingFee(o.ShippingRules, order.MerchandiseTotal(o.Lines))
	o.Totals = order.Reprice(o)
	if !paid {
		o.Status = order.StatusAwaitingPayment
	}
	o, err := st.InsertOrder(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if !paid {
		return o
	}
	if _, err := st.AddPayment(ctx, store.Payment{OrderID: o.ID, Method: string(method), Amount: o.Totals.Total, Currency: "EUR", Reference: "pay-" + number}); err != nil {
		t.Fatal(err)
	}
	return o
}

// insertOrderAwaitingCheque is insertPaidOrder by cheque, the cheque not
// received yet: the order awaits its payment.
func insertOrderAwaitingCheque(t *testing.T, st *store.Store, number string) order.Order {
	t.Helper()
	return insertTestOrder(t, st, number, order.PayCheque, false)
}

// removeOneMug carries out the shop's windows up to the confirmation:
// tick the mugs, one left, shipping recalculated (the default), the
// customer called; it returns the refund the confirmation announces.
func (b *browser) removeOneMug(o order.Order) string {
	b.t.Helper()
	mug := fmt.Sprint(o.Lines[0].ID)
	b.do("open the order and modify its content",
		chromedp.Navigate(b.base+"/orders/"+o.Number),
		chromedp.Click(chromedp.CSS("#action-modify")),
		chromedp.WaitVisible(chromedp.CSS("#modify-form")),
		chromedp.Click(chromedp.CSS("#line_"+mug)),
		chromedp.SetValue(chromedp.CSS("#qty_"+mug), "1"),
		chromedp.Click(chromedp.CSS("#channel_phone")),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
	)
	return b.text("#settlement")
}

func refundsOf(t *testing.T, st *store.Store, o order.Order) []store.Refund {
	t.Helper()
	rs, err := st.ListRefunds(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestBrowserModifyContentCardRefundDone is the modify-content procedure for a card-paid
// order: one mug out, free shipping lost, the agent refunds by hand and
// says "Remboursement effectué", reads the email and sends it.
func TestBrowserModifyContentCardRefundDone(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertPaidOrder(t, s.store, "C-2026-000901", order.PayCard)
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)

	// 50 € paid; 37,50 € of goods + 6,90 € shipping (no longer free) = 44,40 €.
	settlement := marie.removeOneMug(o)
	for _, want := range []string{"À rembourser au client", order.EUR(560).French()} {
		if !strings.Contains(settlement, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, settlement)
		}
	}
	if note := marie.text("#shipping-note"); note == "" {
		t.Error("the confirmation does not say that shipping is no longer free")
	}
	marie.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	asked := marie.follow(map[string]answerer{
		workflows.TaskRefundByHand: refundDone,
		workflows.TaskReviewEmail:  click(workflows.AnswerSend),
	}, "")
	if len(asked) == 0 || asked[0] != workflows.TaskRefundByHand {
		t.Errorf("tasks asked %v, want refund_by_hand first", asked)
	}
	rs := refundsOf(t, s.store, o)
	if len(rs) != 1 || rs[0].Amount != 560 || rs[0].Status != store.RefundSucceeded {
		t.Fatalf("refunds %+v, want one of 5,60 € succeeded", rs)
	}
	emails, _ := s.store.ListEmails(context.Background(), o.ID)
	if len(emails) == 0 {
		t.Fatal("no email to the customer")
	}
	// The history says who did it.
	events, _ := s.store.ListEvents(context.Background(), o.ID)
	var byMarie bool
	for _, e := range events {
		byMarie = byMarie || e.Actor == "marie@boutique.fr"
	}
	if !byMarie {
		t.Error("no event of the history names the agent")
	}
}

// TestBrowserModifyContentChequeNotSent is the modify-content procedure for an order paid by
// cheque whose cheque is not received yet, nor sent.
func TestBrowserModifyContentChequeNotSent(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertOrderAwaitingCheque(t, s.store, "C-2026-000902")
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	if settlement := marie.removeOneMug(o); !strings.Contains(settlement, "chèque") {
		t.Errorf("the confirmation does not announce the cheque question:\n%s", settlement)
	}
	marie.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	asked := marie.follow(map[string]answerer{
		workflows.TaskChequeSent:   click(workflows.AnswerChequeNotSent),
		workflows.TaskReviewEmail:  click(workflows.AnswerSend),
		workflows.TaskRefundByHand: refundDone,
	}, "")
	if len(asked) == 0 || asked[0] != workflows.TaskChequeSent {
		t.Errorf("tasks asked %v, want cheque_sent first", asked)
	}
	for _, r := range refundsOf(t, s.store, o) {
		if r.Status == store.RefundSucceeded {
			t.Errorf("a cheque not sent yet was refunded: %+v", r)
		}
	}
}

// TestBrowserCancelAndRefund is cancel/refund: every item selected,
// the most refundable amount proposed, refunded.
func TestBrowserCancelAndRefund(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertPaidOrder(t, s.store, "C-2026-000903", order.PayCard)
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	marie.do("open the cancel form",
		chromedp.Navigate(marie.base+"/orders/"+o.Number),
		chromedp.Click(chromedp.CSS("#action-cancel")),
		chromedp.WaitVisible(chromedp.CSS("#cancel-form")),
	)
	ctx, cancel := context.WithTimeout(marie.ctx, 10*time.Second)
	refund, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#refund")))
	cancel()
	if err != nil || refund != "50,00" {
		t.Errorf("the refund proposed is %q (%v), want 50,00 (all that was paid)", refund, err)
	}
	marie.do("preview and confirm",
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#summary")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#steps")),
	)
	marie.follow(map[string]answerer{
		workflows.TaskRefundByHand: refundDone,
		workflows.TaskReviewEmail:  click(workflows.AnswerSend),
	}, "")
	got, err := s.store.GetOrder(context.Background(), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != order.StatusCancelled {
		t.Errorf("order status %s, want cancelled", got.Status)
	}
	var refunded int64
	for _, r := range refundsOf(t, s.store, o) {
		if r.Status == store.RefundSucceeded {
			refunded += r.Amount
		}
	}
	if refunded != 5000 {
		t.Errorf("refunded %d cents, want 5000", refunded)
	}
}

// TestBrowserSecondAgentAnswersFromTheInbox: one agent starts the modify-content procedure,
// another answers the refund question from the task inbox.
func TestBrowserSecondAgentAnswersFromTheInbox(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertPaidOrder(t, s.store, "C-2026-000904", order.PayCard)
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	luc := s.newAgent("luc@boutique.fr", "Luc Petit", store.RoleAgent)
	marie.removeOneMug(o)
	marie.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	marie.follow(nil, workflows.TaskRefundByHand)

	task := openTask(t, s.store, o.Number, workflows.TaskRefundByHand)
	id := fmt.Sprint(task.ID)
	luc.do("answer from the inbox",
		chromedp.Navigate(luc.base+"/tasks"),
		chromedp.WaitVisible(chromedp.CSS("#row-"+id)),
		// Refused first: "impossible" needs its reason, next to the field.
		chromedp.Click(chromedp.CSS("#answer-"+id+"-refund_impossible")),
		chromedp.WaitVisible(chromedp.CSS("#task-"+id+" .field-error")),
	)
	if msg := luc.text("#task-" + id + " .field-error"); !strings.Contains(msg, "pourquoi") {
		t.Errorf("refusal shown %q", msg)
	}
	luc.do("answer again", chromedp.SendKeys(chromedp.CSS("#task-"+id+` input[name="provider_ref"]`), "re_luc"),
		chromedp.Click(chromedp.CSS("#answer-"+id+"-refund_done")))
	waitTask(t, s.store, task.ID, func(t store.Task) bool { return t.Status == store.TaskAnswered }, luc)
	if got, _ := s.store.GetTask(context.Background(), task.ID); got.AnsweredBy != "luc@boutique.fr" {
		t.Errorf("answered by %q, want luc@boutique.fr", got.AnsweredBy)
	}
}

// TestBrowserLargeRefundWaitsForASupervisor: above the threshold, the
// agent cannot approve; a supervisor does, from the inbox.
func TestBrowserLargeRefundWaitsForASupervisor(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 2000) // 20 €
	o := insertPaidOrder(t, s.store, "C-2026-000905", order.PayCard)
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	paul := s.newAgent("paul@boutique.fr", "Paul Chef", store.RoleSupervisor)
	marie.do("cancel everything",
		chromedp.Navigate(marie.base+"/orders/"+o.Number+"/cancel"),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#approval-note")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#steps")),
	)
	marie.follow(nil, workflows.TaskApproveRefund)
	if txt := marie.text("#open-task"); !strings.Contains(txt, "En attente de l'approbation d'un superviseur") {
		t.Errorf("the agent's page says %q", txt)
	}
	task := openTask(t, s.store, o.Number, workflows.TaskApproveRefund)
	id := fmt.Sprint(task.ID)
	paul.do("approve from the inbox",
		chromedp.Navigate(paul.base+"/tasks"),
		chromedp.Click(chromedp.CSS("#answer-"+id+"-approve")))
	waitTask(t, s.store, task.ID, func(t store.Task) bool { return t.Status == store.TaskAnswered })
	marie.do("back to the procedure", chromedp.Navigate(marie.base+"/procedures/"+task.WorkflowID))
	marie.follow(map[string]answerer{
		workflows.TaskRefundByHand: refundDone,
		workflows.TaskReviewEmail:  click(workflows.AnswerSend),
	}, "")
	if got, _ := s.store.GetTask(context.Background(), task.ID); got.AnsweredBy != "paul@boutique.fr" {
		t.Errorf("approved by %q, want the supervisor", got.AnsweredBy)
	}
}

// openTask waits for the order's open task of a kind.
func openTask(t *testing.T, st *store.Store, number, kind string) store.Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ts, err := st.ListOpenTasks(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.OrderNumber == number && x.Kind == kind {
				return x
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no open %s task on %s", kind, number)
	return store.Task{}
}

// waitTask waits until the task satisfies ok.
func waitTask(t *testing.T, st *store.Store, id int64, ok func(store.Task) bool, b ...*browser) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if x, err := st.GetTask(context.Background(), id); err == nil && ok(x) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	shot := ""
	for _, x := range b {
		shot += x.screenshot("task not answered") + "\n"
	}
	t.Fatalf("task #%d did not reach the expected state\n%s", id, shot)
}

// TestBrowserModifyContentAddAndReprice is the product-edit procedure on a card-paid order:
// the agent adds a poster and raises the T-shirt's price; a mistake is
// shown next to its field with what was typed kept; the confirmation shows
// the added and changed lines and what the customer now owes; the agent
// reads the email under review and sends it; the order has the new line
// and the new total, and its page shows the balance due.
func TestBrowserModifyContentAddAndReprice(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	o := insertPaidOrder(t, s.store, "C-2026-000906", order.PayCard)
	tshirt := fmt.Sprint(o.Lines[1].ID)
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)

	marie.do("open the form and add a product row",
		chromedp.Navigate(marie.base+"/orders/"+o.Number+"/modify"),
		chromedp.WaitVisible(chromedp.CSS("#modify-form")),
		chromedp.Click(chromedp.CSS("#add-product")),
		chromedp.WaitVisible(chromedp.CSS("#add-row-0")),
	)
	// The name forgotten: refused next to the field, the rest kept.
	marie.do("fill the row without a name",
		chromedp.SetValue(chromedp.CSS(`[id="add[0].sku"]`), "AFF-A3"),
		chromedp.SetValue(chromedp.CSS(`[id="add[0].unit_price"]`), "8,90"),
		chromedp.SetValue(chromedp.CSS("#price_"+tshirt), "27,50"),
		chromedp.Click(chromedp.CSS("#channel_email")),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#add-row-0 .field-error")),
	)
	if msg := marie.text("#add-row-0 .field-error"); !strings.Contains(msg, "nom") {
		t.Errorf("the refusal next to the name says %q", msg)
	}
	ctx, cancel := context.WithTimeout(marie.ctx, 10*time.Second)
	sku, err1 := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`[id="add[0].sku"]`)))
	price, err2 := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#price_"+tshirt)))
	cancel()
	if err1 != nil || err2 != nil || sku != "AFF-A3" || price != "27,50" {
		t.Errorf("the form kept SKU %q and price %q (%v, %v), want AFF-A3 and 27,50", sku, price, err1, err2)
	}

	// 25 € of mugs + 27,50 € + 8,90 € = 61,40 €, shipping still free:
	// 11,40 € more than the 50 € paid.
	marie.do("name the product and preview",
		chromedp.SetValue(chromedp.CSS(`[id="add[0].name"]`), "Affiche Lyon A3"),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
	)
	if added := marie.text("#added"); !strings.Contains(added, "AFF-A3") || !strings.Contains(added, "Affiche Lyon A3") {
		t.Errorf("the confirmation's added products: %q", added)
	}
	if edited := marie.text("#edited"); !strings.Contains(edited, order.EUR(2500).French()) || !strings.Contains(edited, order.EUR(2750).French()) {
		t.Errorf("the confirmation's changed products: %q", edited)
	}
	if due := marie.text("#balance-due"); due != order.EUR(1140).French() {
		t.Errorf("balance due on the confirmation %q, want %s", due, order.EUR(1140).French())
	}

	marie.do("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#steps")))
	var subject, body string
	asked := marie.follow(map[string]answerer{
		workflows.TaskReviewEmail: func(b *browser, id string) {
			subject = b.text("#email-" + id + " .subject")
			body = b.frameText("#email-" + id + " iframe.email-body")
			click(workflows.AnswerSend)(b, id)
		},
	}, "")
	if !slices.Contains(asked, workflows.TaskReviewEmail) {
		t.Fatalf("tasks asked %v: no email to review", asked)
	}
	// The agent reads the email as the customer will: its subject, then
	// its HTML version, greeting and added product included.
	if subject != "Votre commande "+o.Number+" a été modifiée" || !strings.Contains(body, "Bonjour Camille Martin,") || !strings.Contains(body, "Affiche Lyon A3") {
		t.Errorf("the email under review: subject %q, body %q", subject, body)
	}

	got, err := s.store.GetOrder(context.Background(), o.Number)
	if err != nil {
		t.Fatal(err)
	}
	var poster, shirt *order.Line
	for i, l := range got.Lines {
		switch l.SKU {
		case "AFF-A3":
			poster = &got.Lines[i]
		case "TSH-M":
			shirt = &got.Lines[i]
		}
	}
	if poster == nil || poster.Name != "Affiche Lyon A3" || poster.UnitPrice != 890 || poster.Quantity != 1 || poster.VATRate != 2000 {
		t.Errorf("added line %+v, want 1 × Affiche Lyon A3 at 8,90 €, 20 %%", poster)
	}
	if shirt == nil || shirt.UnitPrice != 2750 {
		t.Errorf("T-shirt line %+v, want 27,50 €", shirt)
	}
	if got.Totals.Total != 6140 {
		t.Errorf("new total %d cents, want 6140", got.Totals.Total)
	}
	marie.do("the order page", chromedp.Navigate(marie.base+"/orders/"+o.Number), chromedp.WaitVisible(chromedp.CSS("#balance-due")))
	if due := marie.text("#balance-due"); !strings.Contains(due, order.EUR(1140).French()) {
		t.Errorf("the order page's balance due says %q, want %s", due, order.EUR(1140).French())
	}
}
