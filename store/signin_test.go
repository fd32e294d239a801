package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderdesk/orderdesk/devstack/devstacktest"
	"github.com/orderdesk/orderdesk/store"
)

// TestManyAttemptsAtOnceGetNoMoreThanTheLimit: 40 attempts at one account
// at the same moment, as from 40 web processes: the store lets through the
// five free ones and no more, then one after the delay.
func TestManyAttemptsAtOnceGetNoMoreThanTheLimit(t *testing.T) {
	s := devstacktest.NewStore(t)
	ctx := context.Background()
	l := store.DefaultSigninLimits
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var passed atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := store.SigninAttempt{Email: "Marie@Boutique.fr", Address: fmt.Sprintf("203.0.113.%d", i%7)}
			ok, _, err := s.ReserveSignin(ctx, at, now, l)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := passed.Load(); got != int32(l.FreeFailures) {
		t.Fatalf("%d attempts passed of 40 at once, want %d", got, l.FreeFailures)
	}
	at := store.SigninAttempt{Email: "marie@boutique.fr", Address: "198.51.100.9"}
	ok, retryAt, err := s.ReserveSignin(ctx, at, now.Add(500*time.Millisecond), l)
	if err != nil || ok || !retryAt.Equal(now.Add(l.FirstDelay)) {
		t.Fatalf("an attempt half a second later: ok %v, retry at %v (%v), want refused until %v", ok, retryAt, err, now.Add(l.FirstDelay))
	}
	// After the delay the next attempt passes, and the one after waits
	// twice as long.
	if ok, _, err := s.ReserveSignin(ctx, at, now.Add(l.FirstDelay), l); err != nil || !ok {
		t.Fatalf("after the delay: ok %v (%v)", ok, err)
	}
	if ok, retryAt, _ := s.ReserveSignin(ctx, at, now.Add(l.FirstDelay+time.Second), l); ok || !retryAt.Equal(now.Add(l.FirstDelay+2*l.FirstDelay)) {
		t.Fatalf("the next: ok %v until %v, want a wait of %v", ok, retryAt, 2*l.FirstDelay)
	}
	// A right password starts the account again from no failure.
	if err := s.SigninSucceeded(ctx, at, now.Add(4*time.Second), l); err != nil {
		t.Fatal(err)
	}
	for i := range l.FreeFailures {
		if ok, _, err := s.ReserveSignin(ctx, at, now.Add(5*time.Second), l); err != nil || !ok {
			t.Fatalf("attempt %d after a success: ok %v (%v)", i+1, ok, err)
		}
	}
}

// TestTheDelayGrowsAndStopsAtItsCap: 1 s, 2 s, 4 s… and never more than
// the cap, however many failures.
func TestTheDelayGrowsAndStopsAtItsCap(t *testing.T) {
	s := devstacktest.NewStore(t)
	ctx := context.Background()
	l := store.DefaultSigninLimits
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := store.SigninAttempt{Email: "paul@boutique.fr", Address: "203.0.113.1"}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300, 300}
	var waits []time.Duration
	for len(waits) < len(want) {
		ok, retryAt, err := s.ReserveSignin(ctx, at, now, l)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			waits = append(waits, retryAt.Sub(now))
			now = retryAt
		}
	}
	for i := range want {
		if waits[i] != want[i]*time.Second {
			t.Fatalf("waits %v, want %v s", waits, want)
		}
	}
}

// TestAnAddressIsLimitedOnlyByItsFailures: an office behind one address,
// sixty agents each mistyping once then signing in (the limit of before
// held them all back from the 31st failure), is never held back; an
// address that fails at many accounts is, past the ceiling, until the
// window ends.
func TestAnAddressIsLimitedOnlyByItsFailures(t *testing.T) {
	s := devstacktest.NewStore(t)
	ctx := context.Background()
	l := store.DefaultSigninLimits
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 60 {
		at := store.SigninAttempt{Email: fmt.Sprintf("agent%d@boutique.fr", i), Address: "203.0.113.50"}
		for range 2 {
			if ok, _, err := s.ReserveSignin(ctx, at, now, l); err != nil || !ok {
				t.Fatalf("agent %d of the office: ok %v (%v)", i, ok, err)
			}
		}
		if err := s.SigninSucceeded(ctx, at, now, l); err != nil {
			t.Fatal(err)
		}
	}
	for i := range l.AddressMax {
		at := store.SigninAttempt{Email: fmt.Sprintf("guess%d@boutique.fr", i), Address: "198.51.100.66"}
		if ok, _, err := s.ReserveSignin(ctx, at, now, l); err != nil || !ok {
			t.Fatalf("guess %d: ok %v (%v)", i, ok, err)
		}
	}
	at := store.SigninAttempt{Email: "one-more@boutique.fr", Address: "198.51.100.66"}
	ok, retryAt, err := s.ReserveSignin(ctx, at, now.Add(time.Minute), l)
	if err != nil || ok || !retryAt.Equal(now.Add(l.AddressWindow)) {
		t.Fatalf("past the ceiling: ok %v until %v (%v), want refused until %v", ok, retryAt, err, now.Add(l.AddressWindow))
	}
	// The office is not that address: its agents still sign in.
	office := store.SigninAttempt{Email: "agent1@boutique.fr", Address: "203.0.113.50"}
	if ok, _, err := s.ReserveSignin(ctx, office, now.Add(time.Minute), l); err != nil || !ok {
		t.Fatalf("the office meanwhile: ok %v (%v)", ok, err)
	}
	if ok, _, err := s.ReserveSignin(ctx, at, now.Add(l.AddressWindow), l); err != nil || !ok {
		t.Fatalf("after the window: ok %v (%v)", ok, err)
	}
}

// TestDisablingAnAccountEndsItsSessions, and every change of an account is
// written to the audit log, newest first.
func TestDisablingAnAccountEndsItsSessions(t *testing.T) {
	s := devstacktest.NewStore(t)
	ctx := context.Background()
	a, err := s.CreateAgent(ctx, store.Agent{Email: "marie@boutique.fr", Name: "Marie", PasswordHash: "!"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "tok", a.ID, "csrf", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	by := store.AccountChange{Actor: "admin@boutique.fr"}
	if _, err := s.SetAgentDisabled(ctx, "Marie@boutique.fr", true, by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByToken(ctx, "tok"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the session of a disabled account: %v, want ErrNotFound", err)
	}
	got, err := s.AgentByEmail(ctx, "marie@boutique.fr")
	if err != nil || got.DisabledAt == nil {
		t.Fatalf("disabled account: %+v (%v)", got, err)
	}
	if _, err := s.SetAgentDisabled(ctx, "marie@boutique.fr", false, by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAgentRole(ctx, "marie@boutique.fr", store.RoleSupervisor, by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAgentPassword(ctx, "marie@boutique.fr", "$2a$new", by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAgentDisabled(ctx, "nobody@boutique.fr", true, by); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown account: %v, want ErrNotFound", err)
	}
	lines, err := s.ListAudit(ctx, store.AuditFilter{Email: "MARIE@boutique.fr"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range lines {
		kinds = append(kinds, l.Kind+" "+l.Detail)
		if l.Actor != "admin@boutique.fr" || l.AgentID == nil || *l.AgentID != a.ID {
			t.Errorf("line %+v: want the admin as actor and Marie's account", l)
		}
	}
	want := []string{"password_changed ", "role_changed agent → supervisor", "agent_enabled ", "agent_disabled "}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("audit, newest first: %q, want %q", kinds, want)
	}
}
