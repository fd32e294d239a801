package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/devstack"
	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
)

// screenshotDir is where `make screenshots` wants the README's pictures;
// without it the test writes them to a temporary directory, so the tooling
// is exercised by every `make test`.
var screenshotDir = flag.String("screenshots", "", "write the README's screenshots (order list, order page, modify-content confirmation, ship form, edit-details confirmation, inbox, customer view, return form, and the order list, order page, inbox and customer view in English) to this directory")

// TestScreenshots signs in on the demo data of make dev and photographs
// the order list, the demo order's page, its modify-content confirmation,
// its ship form and an edit-details confirmation.
func TestScreenshots(t *testing.T) {
	dir := *screenshotDir
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newLiveStack(t, 0)
	if _, err := devstack.LoadDemo(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	o, err := s.store.GetOrder(context.Background(), devstack.DemoOrderNumber)
	if err != nil {
		t.Fatal(err)
	}
	b := s.newAgent("agent@orderdesk.test", "Marie Agent", store.RoleAgent)
	shoot := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d KB)", path, len(png)/1024)
	}
	b.do("order list", chromedp.Navigate(b.base+"/orders"), chromedp.WaitVisible(chromedp.CSS("table")))
	shoot("order-list.png")
	b.do("order page", chromedp.Navigate(b.base+"/orders/"+o.Number), chromedp.WaitVisible(chromedp.CSS("#action-modify")))
	shoot("order-page.png")

	line := o.Lines[0]
	for _, l := range o.Lines {
		if l.Quantity > 1 {
			line = l
			break
		}
	}
	id := fmt.Sprint(line.ID)
	b.do("modify-content confirmation",
		chromedp.Navigate(b.base+"/orders/"+o.Number+"/modify"),
		chromedp.Click(chromedp.CSS("#line_"+id)),
		chromedp.SetValue(chromedp.CSS("#qty_"+id), fmt.Sprint(line.Quantity-1)),
		chromedp.Click(chromedp.CSS("#channel_phone")),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")))
	shoot("modify-confirmation.png")

	b.do("ship form", chromedp.Navigate(b.base+"/orders/"+o.Number+"/ship"), chromedp.WaitVisible(chromedp.CSS("#fulfil-form")))
	shoot("ship-form.png")
	b.do("edit-details confirmation",
		chromedp.Navigate(b.base+"/orders/"+o.Number+"/edit"),
		chromedp.SetValue(chromedp.CSS("#shipping_fee"), "4,90"),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")))
	shoot("edit-confirmation.png")

	// The modify-content confirmed: with no card provider here, the refund
	// is by hand, a task of the inbox.
	b.do("modify-content confirmed",
		chromedp.Navigate(b.base+"/orders/"+o.Number+"/modify"),
		chromedp.Click(chromedp.CSS("#line_"+id)),
		chromedp.SetValue(chromedp.CSS("#qty_"+id), fmt.Sprint(line.Quantity-1)),
		chromedp.Click(chromedp.CSS("#channel_phone")),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#steps")))
	// The task is opened by the procedure a moment after the page shows.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		b.do("the inbox", chromedp.Navigate(b.base+"/tasks"), chromedp.WaitVisible(chromedp.CSS("main")))
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		rows, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[id^="row-"]').length`))
		cancel()
		if rows > 0 {
			break
		}
	}
	b.do("the inbox", chromedp.WaitVisible(chromedp.CSS(`tr[id^="row-"]`)))
	shoot("inbox.png")
	customer := "/customers/" + url.PathEscape(o.Customer.Email)
	b.do("the customer view", chromedp.Navigate(b.base+customer), chromedp.WaitVisible(chromedp.CSS("#customer-orders")))
	shoot("customer.png")

	// A return of a shipped demo order: the form, its first item coming back.
	shipped, _, err := s.store.ListOrders(context.Background(), store.OrderFilter{Status: string(order.StatusShipped), Limit: 1})
	if err != nil || len(shipped) == 0 {
		t.Fatalf("no shipped demo order for the return form: %v", err)
	}
	so, err := s.store.GetOrder(context.Background(), shipped[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	b.do("the return form",
		chromedp.Navigate(b.base+"/orders/"+so.Number+"/return"),
		chromedp.WaitVisible(chromedp.CSS("#return-form")),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#qty_%d", so.Lines[0].ID)), "1"))
	shoot("return.png")

	// The same pages in English, as an agent who pressed EN sees them.
	b.do("switch to English",
		chromedp.Navigate(b.base+"/orders"),
		chromedp.Click(chromedp.CSS(`button[name="locale"][value="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[name="locale"][value="fr"]`)))
	for _, p := range []struct{ path, wait, name string }{
		{"/orders", "table", "order-list.en.png"},
		{"/orders/" + o.Number, "#action-modify", "order-page.en.png"},
		{"/tasks", `tr[id^="row-"]`, "inbox.en.png"},
		{customer, "#customer-orders", "customer.en.png"},
	} {
		b.do(p.name, chromedp.Navigate(b.base+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		shoot(p.name)
	}
}
