package devstacktest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orderdesk/orderdesk/store"
)

// ShopAgents are the agents the tests' procedures are answered by, with
// their roles: a procedure believes only the agents table about who
// answers a task and whether they may approve.
var ShopAgents = map[string]string{
	"marie@boutique.fr":  store.RoleAgent,
	"luc@boutique.fr":    store.RoleAgent,
	"sophie@boutique.fr": store.RoleSupervisor,
	"paul@boutique.fr":   store.RoleSupervisor,
}

// AddAgents creates ShopAgents in st (those that exist are left as they
// are). They cannot sign in: their password hash matches no password.
func AddAgents(tb testing.TB, st *store.Store) {
	tb.Helper()
	for email, role := range ShopAgents {
		name, _, _ := strings.Cut(email, "@")
		_, err := st.CreateAgent(context.Background(), store.Agent{Email: email, Name: name, Role: role, PasswordHash: "!"})
		if err != nil && !errors.Is(err, store.ErrAgentExists) {
			tb.Fatalf("adding agent %s: %v", email, err)
		}
	}
}
