package codec_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/orderdesk/orderdesk/codec"
)

const keysVar = "ORDERDESK_CODEC_KEYS"

func mustCodec(t *testing.T, keys ...codec.Key) *codec.Codec {
	t.Helper()
	c, err := codec.New(keysVar, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func customerPayload(t *testing.T) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(map[string]string{"email": "camille.martin@example.fr", "name": "Camille Martin"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// An encoded payload holds nothing of the customer in clear, says which
// key encrypted it, and decodes to the payload it was.
func TestEncodedPayloadIsCiphertextNamingItsKey(t *testing.T) {
	c := mustCodec(t, codec.NewKey("k1"))
	plain := customerPayload(t)
	enc, err := c.Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	got := enc[0]
	if bytes.Contains(got.GetData(), []byte("camille")) || bytes.Contains(got.GetData(), []byte("Martin")) {
		t.Fatalf("the encoded payload holds the customer in clear: %q", got.GetData())
	}
	if e := string(got.GetMetadata()[converter.MetadataEncoding]); e != codec.EncodingEncrypted {
		t.Errorf("encoding = %q, want %q", e, codec.EncodingEncrypted)
	}
	if id := string(got.GetMetadata()[codec.MetadataKeyID]); id != "k1" {
		t.Errorf("key id = %q, want k1", id)
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := converter.GetDefaultDataConverter().FromPayload(dec[0], &back); err != nil {
		t.Fatal(err)
	}
	if back["email"] != "camille.martin@example.fr" {
		t.Fatalf("decoded %v", back)
	}
	// Two encodings of the same value differ (a fresh nonce each time).
	again, _ := c.Encode([]*commonpb.Payload{plain})
	if bytes.Equal(again[0].GetData(), got.GetData()) {
		t.Error("the same payload encrypts twice to the same bytes")
	}
}

// Rotation: a payload encrypted under the old key still decodes once a new
// key is put first; new payloads are encrypted with the new key.
func TestRotationKeepsOldPayloadsReadable(t *testing.T) {
	k1 := codec.NewKey("k1")
	old := mustCodec(t, k1)
	enc, err := old.Encode([]*commonpb.Payload{customerPayload(t)})
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustCodec(t, codec.NewKey("k2"), k1)
	if _, err := rotated.Decode(enc); err != nil {
		t.Fatalf("a payload of the old key no longer decodes after rotation: %v", err)
	}
	fresh, _ := rotated.Encode([]*commonpb.Payload{customerPayload(t)})
	if id := string(fresh[0].GetMetadata()[codec.MetadataKeyID]); id != "k2" {
		t.Errorf("after rotation new payloads use key %q, want k2", id)
	}

	// Dropping k1 too early: the error names the missing key id.
	withoutOld := mustCodec(t, codec.NewKey("k2"))
	_, err = withoutOld.Decode(enc)
	var unknown *codec.UnknownKeyError
	if !errors.As(err, &unknown) || unknown.KeyID != "k1" {
		t.Fatalf("decoding with a codec without k1: %v, want an UnknownKeyError naming k1", err)
	}
	if !strings.Contains(err.Error(), `"k1"`) || !strings.Contains(err.Error(), keysVar) {
		t.Errorf("the message does not name the key and the variable: %v", err)
	}
}

// Another key under the same id does not decrypt (GCM authenticates).
func TestAKeyReplacedUnderTheSameIDIsRefused(t *testing.T) {
	enc, _ := mustCodec(t, codec.NewKey("k1")).Encode([]*commonpb.Payload{customerPayload(t)})
	_, err := mustCodec(t, codec.NewKey("k1")).Decode(enc)
	var de *codec.DecryptError
	if !errors.As(err, &de) || de.KeyID != "k1" {
		t.Fatalf("got %v, want a DecryptError of k1", err)
	}
}

// Payloads written before the codec (the recorded histories) pass through.
func TestUnencryptedPayloadsPassThrough(t *testing.T) {
	c := mustCodec(t, codec.NewKey("k1"))
	plain := customerPayload(t)
	dec, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	if dec[0] != plain {
		t.Fatal("an unencrypted payload was changed by Decode")
	}
}

// The failure converter encrypts an error's message and stack trace.
func TestFailureMessagesAreEncrypted(t *testing.T) {
	c := mustCodec(t, codec.NewKey("k1"))
	fc := c.FailureConverter()
	f := fc.ErrorToFailure(temporal.NewApplicationError("refund to camille.martin@example.fr refused", "Refused"))
	if strings.Contains(f.GetMessage(), "camille") {
		t.Fatalf("the failure's message is in clear: %q", f.GetMessage())
	}
	if f.GetEncodedAttributes() == nil || string(f.GetEncodedAttributes().GetMetadata()[converter.MetadataEncoding]) != codec.EncodingEncrypted {
		t.Fatalf("the failure's attributes are not encrypted: %v", f.GetEncodedAttributes())
	}
	back := fc.FailureToError(f)
	if !strings.Contains(back.Error(), "camille.martin@example.fr") {
		t.Fatalf("the failure does not decode back to its message: %v", back)
	}
}

func TestParseKeys(t *testing.T) {
	k2, k1 := codec.NewKey("k2"), codec.NewKey("k1")
	keys, err := codec.ParseKeys(keysVar, k2.String()+", "+k1.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != "k2" || !bytes.Equal(keys[0].Secret, k2.Secret) || keys[1].ID != "k1" {
		t.Fatalf("parsed %v", keys)
	}
	// openssl rand -base64 32 prints standard base64 with padding; an
	// unpadded or URL-safe copy is read too.
	raw := base64.RawURLEncoding.EncodeToString(k1.Secret)
	if keys, err := codec.ParseKeys(keysVar, "k1:"+raw); err != nil || !bytes.Equal(keys[0].Secret, k1.Secret) {
		t.Fatalf("unpadded URL-safe base64: %v", err)
	}

	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	for _, tc := range []struct {
		list string
		want codec.KeyProblem
		pos  int
	}{
		{"", codec.NoKey, 1},
		{k2.String() + ",", codec.NoKey, 2},
		{"k2", codec.BadID, 1},
		{"k 2:" + short, codec.BadID, 1},
		{"k2:not*base64", codec.BadBase64, 1},
		{"k2:" + short, codec.WrongLength, 1},
		{k2.String() + "," + k1.String() + ",k2:" + base64.StdEncoding.EncodeToString(make([]byte, 32)), codec.DuplicateID, 3},
	} {
		_, err := codec.ParseKeys(keysVar, tc.list)
		var ke *codec.KeyError
		if !errors.As(err, &ke) || ke.Problem != tc.want || ke.Position != tc.pos {
			t.Errorf("ParseKeys(%q) = %v, want problem %d at key %d", tc.list, err, tc.want, tc.pos)
			continue
		}
		if ke.Variable != keysVar || !strings.Contains(err.Error(), keysVar) {
			t.Errorf("ParseKeys(%q): the message does not name %s: %v", tc.list, keysVar, err)
		}
		if strings.Contains(err.Error(), short) {
			t.Errorf("ParseKeys(%q): the message repeats the key: %v", tc.list, err)
		}
	}
}
