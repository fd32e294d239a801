package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SaveBankAccount keeps the IBAN an agent typed for a payback by transfer
// on an order, and returns its reference ("BA-" and 16 random letters and
// digits). Procedures carry the reference and the masked IBAN instead of
// the account number; the payout reads it back with BankAccountIBAN. iban
// is normalized already (order.CheckIBAN). Each call keeps a new account:
// an agent who answers twice leaves two rows, one of them never used.
func (s *Store) SaveBankAccount(ctx context.Context, orderID int64, iban, typedBy string) (string, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store.SaveBankAccount: %w", err)
	}
	ref := "BA-" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	if _, err := s.pool.Exec(ctx, `INSERT INTO bank_accounts (ref, order_id, iban, typed_by) VALUES ($1, $2, $3, $4)`,
		ref, orderID, iban, typedBy); err != nil {
		return "", fmt.Errorf("store.SaveBankAccount(order %d): %w", orderID, err)
	}
	return ref, nil
}

// BankAccountIBAN is the IBAN kept under ref; ErrNotFound for a reference
// that was never given.
func (s *Store) BankAccountIBAN(ctx context.Context, ref string) (string, error) {
	var iban string
	err := s.pool.QueryRow(ctx, `SELECT iban FROM bank_accounts WHERE ref = $1`, ref).Scan(&iban)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("store.BankAccountIBAN(%s): %w", ref, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store.BankAccountIBAN(%s): %w", ref, err)
	}
	return iban, nil
}
