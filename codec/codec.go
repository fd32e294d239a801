// Package codec keeps customers' personal data out of Temporal's histories:
// an AES-256-GCM payload codec (converter.PayloadCodec) that encrypts every
// payload orderdesk hands to Temporal (workflow inputs and results, update
// arguments, activity inputs and results, memos, signals, queries) and,
// through the failure converter, error messages and stack traces.
//
// Each encrypted payload says which key encrypted it (metadata
// "encryption-key-id") beside its encoding, "binary/encrypted". The first
// key of the list encrypts; every key of the list decrypts, so rotating is
// adding a new key first and keeping the old ones until the histories they
// encrypted are gone. A payload that is not encrypted (a history recorded
// before the codec) passes through Decode as it is.
//
// Search attributes are not payloads a codec sees: Temporal indexes them in
// clear.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// Metadata of an encrypted payload.
const (
	// EncodingEncrypted is the "encoding" metadata of a payload this codec
	// encrypted.
	EncodingEncrypted = "binary/encrypted"
	// MetadataKeyID names the key that encrypted the payload.
	MetadataKeyID = "encryption-key-id"
	// MetadataCipher names the cipher, for a reader of the raw history.
	MetadataCipher = "encryption-cipher"
	cipherName     = "AES-256-GCM"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// Key is one encryption key and the id payloads carry to name it.
type Key struct {
	ID     string
	Secret []byte // KeySize bytes
}

// Codec encrypts with its active key and decrypts with any of its keys.
type Codec struct {
	active string                 // id of the key that encrypts
	aeads  map[string]cipher.AEAD // every key, by id
	source string                 // where the keys came from, for errors
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New is a codec over keys, the first of which encrypts. source names
// where the keys came from (the variable), for the errors that say a key
// is missing.
func New(source string, keys ...Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, &KeyError{Variable: source, Problem: NoKey}
	}
	c := &Codec{active: keys[0].ID, aeads: map[string]cipher.AEAD{}, source: source}
	for i, k := range keys {
		if !validID(k.ID) {
			return nil, &KeyError{Variable: source, Position: i + 1, ID: k.ID, Problem: BadID}
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, &KeyError{Variable: source, Position: i + 1, ID: k.ID, Problem: DuplicateID}
		}
		if len(k.Secret) != KeySize {
			return nil, &KeyError{Variable: source, Position: i + 1, ID: k.ID, Problem: WrongLength, Length: len(k.Secret)}
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", source, k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", source, k.ID, err)
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// ActiveKeyID is the id of the key that encrypts.
func (c *Codec) ActiveKeyID() string { return c.active }

// Encode encrypts each payload (its metadata and data, as one protobuf)
// with the active key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.active]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := p.Marshal()
		if err != nil {
			return nil, fmt.Errorf("codec: encoding a payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:              []byte(c.active),
				MetadataCipher:             []byte(cipherName),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.active)),
		}
	}
	return out, nil
}

// Decode decrypts each encrypted payload with the key it names; a payload
// that is not encrypted passes through as it is.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, &UnknownKeyError{KeyID: id, Variable: c.source}
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, &DecryptError{KeyID: id}
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, &DecryptError{KeyID: id}
		}
		var decoded commonpb.Payload
		if err := decoded.Unmarshal(plain); err != nil {
			return nil, fmt.Errorf("codec: a payload of key %q decrypts to no payload: %w", id, err)
		}
		out[i] = &decoded
	}
	return out, nil
}

// DataConverter is Temporal's default data converter with every payload
// through the codec.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter is Temporal's default failure converter over the
// codec's data converter, with the error's message and stack trace
// encoded too (a history then says "Encoded failure" in their place).
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          c.DataConverter(),
		EncodeCommonAttributes: true,
	})
}

// NewKey is a new random key under id.
func NewKey(id string) Key {
	k := Key{ID: id, Secret: make([]byte, KeySize)}
	_, _ = rand.Read(k.Secret) // crypto/rand.Read never fails (Go 1.24+)
	return k
}

// String is the key as ParseKeys reads it: id:base64.
func (k Key) String() string {
	return k.ID + ":" + base64.StdEncoding.EncodeToString(k.Secret)
}

// ParseKeys reads a list of keys "k2:<base64 of 32 bytes>,k1:<base64>",
// the first of which encrypts. variable names where the list came from in
// the errors (*KeyError).
func ParseKeys(variable, list string) ([]Key, error) {
	var keys []Key
	seen := map[string]bool{}
	for i, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		pos := i + 1
		if item == "" {
			return nil, &KeyError{Variable: variable, Position: pos, Problem: NoKey}
		}
		id, b64, ok := strings.Cut(item, ":")
		id, b64 = strings.TrimSpace(id), strings.TrimSpace(b64)
		if !ok || !validID(id) {
			return nil, &KeyError{Variable: variable, Position: pos, ID: id, Problem: BadID}
		}
		if seen[id] {
			return nil, &KeyError{Variable: variable, Position: pos, ID: id, Problem: DuplicateID}
		}
		seen[id] = true
		secret, err := decodeBase64(b64)
		if err != nil {
			return nil, &KeyError{Variable: variable, Position: pos, ID: id, Problem: BadBase64}
		}
		if len(secret) != KeySize {
			return nil, &KeyError{Variable: variable, Position: pos, ID: id, Problem: WrongLength, Length: len(secret)}
		}
		keys = append(keys, Key{ID: id, Secret: secret})
	}
	return keys, nil
}

// decodeBase64 reads standard base64 (openssl rand -base64 32), with or
// without padding, or its URL-safe variant.
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// validID: a key id is 1 to 64 letters, digits, '-', '_' or '.'.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// KeyProblem is what is wrong with a key of the list.
type KeyProblem int

const (
	NoKey       KeyProblem = iota + 1 // the list, or an item of it, is empty
	BadID                             // not id:base64, or an id of other characters than letters, digits, - _ .
	BadBase64                         // the key is not base64
	WrongLength                       // the key is not 32 bytes
	DuplicateID                       // two keys have the same id
)

// KeyError is a key list that cannot be used, naming the variable it came
// from, the key's position and id, and how to make a good one.
type KeyError struct {
	Variable string
	Position int // 1-based; 0 for the whole list
	ID       string
	Problem  KeyProblem
	Length   int // the key's length, for WrongLength
}

const howToMakeKey = "make one with `orderdesk codec-key` (or id:$(openssl rand -base64 32))"

func (e *KeyError) Error() string {
	where := e.Variable
	if e.Position > 0 {
		where = fmt.Sprintf("%s, key %d", e.Variable, e.Position)
		if e.ID != "" {
			where += fmt.Sprintf(" (%q)", e.ID)
		}
	}
	switch e.Problem {
	case NoKey:
		if e.Position > 0 {
			return where + ": empty: write the keys as id:base64, separated by commas, e.g. k2:...,k1:...; " + howToMakeKey
		}
		return where + " holds no key: " + howToMakeKey
	case BadID:
		return where + ": not id:base64 with an id of letters, digits, '-', '_' or '.' (up to 64); " + howToMakeKey
	case BadBase64:
		return where + ": the key is not base64; " + howToMakeKey
	case WrongLength:
		return fmt.Sprintf("%s: the key is %d bytes, AES-256 needs %d; %s", where, e.Length, KeySize, howToMakeKey)
	case DuplicateID:
		return where + ": this id is already used by an earlier key: give each key its own id"
	}
	return where + ": unusable key"
}

// UnknownKeyError: a payload was encrypted by a key the codec does not
// hold (removed too early, or another deployment's).
type UnknownKeyError struct {
	KeyID    string
	Variable string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("codec: payload encrypted with key %q, which %s does not hold: add that key back (after the active one) to read it", e.KeyID, e.Variable)
}

// DecryptError: a payload names a key the codec holds but does not decrypt
// with it (another key under the same id, or altered data).
type DecryptError struct{ KeyID string }

func (e *DecryptError) Error() string {
	return fmt.Sprintf("codec: payload of key %q does not decrypt with the key of that id: was the key under that id replaced, or the payload altered?", e.KeyID)
}

// Apply sets the client's data converter and failure converter to the
// codec's, so every payload the client and its workers send is encrypted.
func (c *Codec) Apply(o *client.Options) {
	o.DataConverter = c.DataConverter()
	o.FailureConverter = c.FailureConverter()
}
