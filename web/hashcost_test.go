package web

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// The tests' agents get their passwords hashed at bcrypt's lowest cost: a
// hash still checks as in production (bcrypt reads the cost from the
// hash), without a quarter of a second of CPU per test agent.
func init() { hashCost = bcrypt.MinCost }

// Outside the tests, new passwords are hashed at bcryptCost.
func TestProductionHashCost(t *testing.T) {
	if bcryptCost < 11 {
		t.Fatalf("bcryptCost is %d: new password hashes need a work factor of 11 at least", bcryptCost)
	}
	if c, err := bcrypt.Cost(dummyHash); err != nil || c != bcryptCost {
		t.Fatalf("the unknown-account hash has cost %d (%v), want bcryptCost %d: a sign-in must take as long whether the account exists or not", c, err, bcryptCost)
	}
}
