package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderdesk/orderdesk/order"
	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
	"github.com/orderdesk/orderdesk/workflows"
)

// shownText is what a page says to its reader: its text and the title,
// placeholder and aria-label of its elements, leaving out what is written
// in another language than the page's (a history line or a task question
// written before they were phrases of the catalog, in French; the
// subjects of the customers' emails, marked with their language), the
// customer's email itself (its iframe), codes and what an agent typed.
const shownText = `(() => {
	const lang = document.documentElement.lang, out = [];
	const walk = (n) => {
		if (n.nodeType === Node.TEXT_NODE) { out.push(n.textContent); return; }
		if (n.nodeType !== Node.ELEMENT_NODE) return;
		if (['SCRIPT', 'STYLE', 'IFRAME', 'CODE', 'TEXTAREA'].includes(n.tagName)) return;
		if (n.hasAttribute('lang') && n.getAttribute('lang') !== lang) return;
		for (const a of ['title', 'placeholder', 'aria-label', 'alt']) if (n.hasAttribute(a)) out.push(n.getAttribute(a));
		for (const c of n.childNodes) walk(c);
	};
	walk(document.body);
	return lang + '\n' + out.join('\n');
})()`

// TestBrowserEveryPageInTheAgentsLanguage: an agent who chose English
// visits every page of the agent UI (the order list, the order page, each
// procedure's form and its confirmation, the payment page, the tasks, a
// procedure's page with its task, the outbox, an email, an error page and
// the sign-in page) and reads no French word of the UI; one who chose
// French reads no English one.
func TestBrowserEveryPageInTheAgentsLanguage(t *testing.T) {
	t.Parallel()
	s := newLiveStack(t, 0)
	ctx := context.Background()
	o := insertPaidOrder(t, s.store, "C-2026-000920", order.PayCard)
	busy := insertPaidOrder(t, s.store, "C-2026-000921", order.PayCard)
	if _, err := s.store.EnqueueEmail(ctx, store.Email{Key: "lang-test/" + o.Number, OrderID: o.ID, ToEmail: o.Customer.Email, ToName: o.Customer.Name,
		Locale: "fr", Template: "order_shipped", Subject: "Votre commande " + o.Number + " est expédiée",
		BodyText: "Bonjour Camille,\n\nVotre commande est partie.\n", BodyHTML: "<p>Bonjour Camille,</p><p>Votre commande est partie.</p>"}); err != nil {
		t.Fatal(err)
	}
	emails, err := s.store.ListEmails(ctx, o.ID)
	if err != nil || len(emails) == 0 {
		t.Fatalf("the email of the test: %v %v", emails, err)
	}

	// A procedure waiting for an agent: the refund of a cancellation, by hand.
	marie := s.newAgent("marie@boutique.fr", "Marie Dupont", store.RoleAgent)
	marie.do("cancel an order",
		chromedp.Navigate(marie.base+"/orders/"+busy.Number+"/cancel"),
		chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#summary")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#steps")),
	)
	marie.follow(nil, workflows.TaskRefundByHand)
	task := openTask(t, s.store, busy.Number, workflows.TaskRefundByHand)

	john := s.newAgent("john@boutique.fr", "John Smith", store.RoleSupervisor)
	john.do("choose English", chromedp.Click(chromedp.CSS(`button[name="locale"][value="en"]`)), chromedp.WaitVisible(chromedp.CSS(`button[name="locale"][value="fr"]`)))

	// The procedure wrote the busy order's history and its task's question
	// as phrases: English says them in English, none left marked French
	// (so the check of every page below reads them).
	john.do("the busy order in English", chromedp.Navigate(john.base+"/orders/"+busy.Number), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	history := john.text("ol.timeline")
	for _, want := range []string{"Items cancelled: ", "Mug Tour Eiffel (MUG-01)", "; to refund: €",
		"Refund of €", "to make (Card)", fmt.Sprintf("Task #%d for an agent: Refund €", task.ID)} {
		if !strings.Contains(history, want) {
			t.Errorf("the busy order's history in English does not say %q:\n%s", want, history)
		}
	}
	if marked := john.count("ol.timeline [lang]"); marked != 0 {
		t.Errorf("%d line(s) of the busy order's history are still marked as another language:\n%s", marked, history)
	}
	john.do("the tasks in English", chromedp.Navigate(john.base+"/tasks"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#row-%d", task.ID))))
	question := john.text(fmt.Sprintf("#row-%d td.question", task.ID))
	if !strings.HasPrefix(question, "Refund €") || !strings.Contains(question, "to the customer by Card") || john.count(fmt.Sprintf("#row-%d td.question [lang]", task.ID)) != 0 {
		t.Errorf("the task's question in English: %q", question)
	}

	for _, c := range []struct {
		b      *browser
		lang   string
		others []string // the other language's terms
	}{
		{john, "en", web.FrenchTerms},
		{marie, "fr", web.EnglishTerms},
	} {
		b := c.b
		pages := []struct {
			name  string
			steps []chromedp.Action[chromedp.Void]
		}{
			{"order list", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders"), chromedp.WaitVisible(chromedp.CSS("table.list"))}},
			{"order list, nothing found", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders?q=zzzzzz"), chromedp.WaitVisible(chromedp.CSS("p.empty"))}},
			{"order page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number), chromedp.WaitVisible(chromedp.CSS("#note-form"))}},
			{"order page of the busy order", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + busy.Number), chromedp.WaitVisible(chromedp.CSS("#note-form"))}},
			{"modify-content form", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number + "/modify"), chromedp.WaitVisible(chromedp.CSS("#modify-form"))}},
			{"modify-content form refused", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS(".field-error"))}},
			{"modify-content confirmation", []chromedp.Action[chromedp.Void]{
				chromedp.Click(chromedp.CSS(fmt.Sprintf("#line_%d", o.Lines[0].ID))),
				chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#qty_%d", o.Lines[0].ID)), "1"),
				chromedp.Click(chromedp.CSS("#channel_phone")),
				chromedp.Click(chromedp.CSS("#preview")),
				chromedp.WaitVisible(chromedp.CSS("#confirm-form"))}},
			{"cancel form", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number + "/cancel"), chromedp.WaitVisible(chromedp.CSS("#cancel-form"))}},
			{"cancel confirmation", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS("#summary"))}},
			{"edit-details form", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number + "/edit"), chromedp.WaitVisible(chromedp.CSS("#edit-form"))}},
			{"edit-details confirmation", []chromedp.Action[chromedp.Void]{
				chromedp.SetValue(chromedp.CSS("#shipping_fee"), "9.90"),
				chromedp.Click(chromedp.CSS("#preview")),
				chromedp.WaitVisible(chromedp.CSS("#changes"))}},
			{"ship form", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number + "/ship"), chromedp.WaitVisible(chromedp.CSS("#fulfil-form"))}},
			{"payment page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/" + o.Number + "/payment"), chromedp.WaitVisible(chromedp.CSS("#invoices"))}},
			{"tasks", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/tasks"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#row-%d", task.ID)))}},
			{"tasks, the answers on each task", []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#task-%d", task.ID)))}},
			{"a task's page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", b.base, task.ID)), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#task-page-%d", task.ID)))}},
			{"procedure page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/procedures/" + task.WorkflowID), chromedp.WaitVisible(chromedp.CSS("#open-task"))}},
			{"outbox", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/outbox"), chromedp.WaitVisible(chromedp.CSS("table.list"))}},
			{"customer view", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/customers/" + o.Customer.Email), chromedp.WaitVisible(chromedp.CSS("#customer-orders"))}},
			{"email page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(fmt.Sprintf("%s/emails/%d", b.base, emails[0].ID)), chromedp.WaitVisible(chromedp.CSS("dl.email-head"))}},
			{"error page", []chromedp.Action[chromedp.Void]{chromedp.Navigate(b.base + "/orders/C-0000-000000"), chromedp.WaitVisible(chromedp.CSS(".error-page"))}},
			{"sign-in page", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin"))}},
			{"sign-in refused", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS(".field-error"))}},
		}
		for _, p := range pages {
			b.do(c.lang+", "+p.name, p.steps...)
			tctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
			text, err := chromedp.Run(tctx, chromedp.Evaluate[string](shownText))
			cancel()
			if err != nil {
				t.Fatalf("%s, %s: reading the page: %v", c.lang, p.name, err)
			}
			lang, shown, _ := strings.Cut(text, "\n")
			if lang != c.lang {
				t.Errorf("%s, %s: the page says it is in %q", c.lang, p.name, lang)
			}
			if len(strings.Fields(shown)) < 3 {
				t.Errorf("%s, %s: the page shows almost nothing: %q", c.lang, p.name, shown)
			}
			if found := web.TermsShown(shown, c.others); len(found) > 0 {
				t.Errorf("%s, %s shows words of the other language:\n  %s\n%s", c.lang, p.name, strings.Join(found, "\n  "), b.screenshot(p.name))
			}
		}
	}
}

// count is how many elements of the page a CSS selector finds.
func (b *browser) count(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
	if err != nil {
		b.t.Fatalf("counting %s (%s): %v", sel, b.name, err)
	}
	return n
}
