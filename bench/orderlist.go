package bench

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/orderdesk/orderdesk/store"
	"github.com/orderdesk/orderdesk/web"
)

// browser is an agent signed in to the agent UI, over HTTP.
type browser struct {
	base string
	c    *http.Client
}

var csrfInput = regexp.MustCompile(`name="csrf"\s+value="([^"]+)"`)

// signIn creates an agent with a password and signs in through the
// sign-in form, as a person would.
func signIn(ctx context.Context, s *stack) (*browser, error) {
	const email, password = "liste@bench.test", "banc d'essai de la liste"
	hash, err := web.HashPassword(password)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.CreateAgent(ctx, store.Agent{Email: email, Name: "Liste", Role: store.RoleAgent, PasswordHash: hash}); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	b := &browser{base: s.webURL, c: &http.Client{Jar: jar, Timeout: time.Minute}}
	_, body, err := b.get(ctx, "/signin")
	if err != nil {
		return nil, err
	}
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("the sign-in page has no csrf field")
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {html.UnescapeString(m[1])}, "next": {"/orders"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/orders" {
		return nil, fmt.Errorf("signing in as %s ended on %s with %d:\n%.300s", email, resp.Request.URL.Path, resp.StatusCode, page)
	}
	return b, nil
}

// get requests a page and reads it whole; anything but 200 is an error.
func (b *browser) get(ctx context.Context, path string) (time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, "", err
	}
	t := time.Now()
	resp, err := b.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t)
	if err != nil {
		return d, "", err
	}
	if resp.StatusCode != http.StatusOK {
		return d, string(body), fmt.Errorf("GET %s: %d", path, resp.StatusCode)
	}
	return d, string(body), nil
}

var (
	anchor     = regexp.MustCompile(`<a\s[^>]*>`)
	hrefAttr   = regexp.MustCompile(`href="([^"]*)"`)
	orderLinks = regexp.MustCompile(`href="/orders/([^"?/#]+)"`)
)

// nextLink is the list page's link to the next page (rel="next"), as the
// page writes it: the benchmark does not need to know its parameters.
func nextLink(page string) string {
	for _, a := range anchor.FindAllString(page, -1) {
		if !strings.Contains(a, `rel="next"`) {
			continue
		}
		if m := hrefAttr.FindStringSubmatch(a); m != nil {
			return html.UnescapeString(m[1])
		}
	}
	return ""
}

// listFigure is one request of the order list measured: its name in the
// table and the path of its i-th request.
type listFigure struct {
	name  string
	path  func(ctx context.Context, i int) (string, error)
	after func(page string) // sees each page measured (nil: nothing to see)
}

// listFigures are the order list's requests: the list, each filter, each
// sort both ways, each search, the next page and the order page.
func listFigures(b *browser, sample listSample) []listFigure {
	fixed := func(name, path string) listFigure {
		return listFigure{name: name, path: func(context.Context, int) (string, error) { return path, nil }}
	}
	q := func(v string) string { return "/orders?q=" + url.QueryEscape(v) }
	figs := []listFigure{
		fixed("the list, first page", "/orders"),
		fixed("filter status=paid", "/orders?status=paid"),
		fixed("filter logistics=awaiting_printing", "/orders?logistics=awaiting_printing"),
		fixed("filter payment=cheque", "/orders?payment=cheque"),
	}
	for _, sort := range []string{"date", "number", "total"} {
		for _, dir := range []string{"desc", "asc"} {
			figs = append(figs, fixed("sort "+sort+" "+dir, "/orders?sort="+sort+"&dir="+dir))
		}
	}
	figs = append(figs,
		fixed("search order number", q(sample.Number)),
		fixed("search email", q(sample.Email)),
		fixed("search name", q(sample.Name)),
		fixed("search phone", q(sample.Phone)),
		fixed("search SKU", q(sample.SKU)),
		fixed("search product name", q(sample.Product)),
	)
	// The next page: the "next" link of the page before, page after page.
	var next string
	figs = append(figs, listFigure{
		name: "next page (its link, page after page)",
		path: func(ctx context.Context, i int) (string, error) {
			if i == 0 || next == "" {
				_, page, err := b.get(ctx, "/orders")
				if err != nil {
					return "", err
				}
				next = nextLink(page)
			}
			if next == "" {
				return "", fmt.Errorf(`the list page has no link rel="next"`)
			}
			return next, nil
		},
		after: func(page string) { next = nextLink(page) },
	})
	// The order page of orders linked from the list.
	var numbers []string
	figs = append(figs, listFigure{name: "order page /orders/{number}", path: func(ctx context.Context, i int) (string, error) {
		if numbers == nil {
			_, page, err := b.get(ctx, "/orders")
			if err != nil {
				return "", err
			}
			for _, m := range orderLinks.FindAllStringSubmatch(page, -1) {
				if !slices.Contains(numbers, m[1]) {
					numbers = append(numbers, m[1])
				}
			}
			if len(numbers) == 0 {
				return "", fmt.Errorf("the list page links to no order")
			}
		}
		return "/orders/" + numbers[i%len(numbers)], nil
	}})
	return figs
}

// listResult is one figure's measure.
type listResult struct {
	name string
	n    int
	lat  latencies
	err  error
}

// measureList requests each figure up to requests times, one after the
// other, and stops a figure early once it took budget and had 5 requests.
func measureList(ctx context.Context, b *browser, sample listSample, requests int, budget time.Duration, say func(string, ...any)) []listResult {
	var out []listResult
	for _, f := range listFigures(b, sample) {
		r := listResult{name: f.name}
		start := time.Now()
		for i := 0; i < requests; i++ {
			if i >= 5 && time.Since(start) > budget {
				break
			}
			path, err := f.path(ctx, i)
			if err != nil {
				r.err = err
				break
			}
			d, page, err := b.get(ctx, path)
			if err != nil {
				r.err = fmt.Errorf("%w %.200s", err, firstText(page))
				break
			}
			r.lat = append(r.lat, d)
			if f.after != nil {
				f.after(page)
			}
		}
		slices.Sort(r.lat)
		r.n = len(r.lat)
		if r.err != nil {
			say("%-46s error: %v", "GET "+f.name, r.err)
		} else {
			say("%-46s p95 %6s ms over %2d requests (p50 %s ms, max %s ms)", "GET "+f.name, ms(r.lat.pct(95)), r.n, ms(r.lat.pct(50)), ms(r.lat.pct(100)))
		}
		out = append(out, r)
	}
	return out
}

// firstText is the start of an error page's text, for the report.
func firstText(page string) string {
	page = regexp.MustCompile(`(?s)<head>.*?</head>|<[^>]+>`).ReplaceAllString(page, " ")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}
