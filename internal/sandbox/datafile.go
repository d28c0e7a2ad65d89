package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// dataFileVersion is the format written. Version 1 kept only hashes of
// keys; it is still read, and its keys stay unreadable (see revealRefusal).
const (
	dataFileVersion       = 2
	hashesOnlyFileVersion = 1
)

// dataFile is the persisted state. It holds hashes of keys, their keys and
// secrets sealed under the key file's key, and sealed idempotency records;
// never a key or a secret in the clear.
type dataFile struct {
	Version  int            `json:"version"`
	Accounts []savedAccount `json:"accounts"`
	// NextHookID keeps the ids of deleted webhooks from coming back.
	NextHookID int64 `json:"next_hook_id,omitempty"`
}

type savedAccount struct {
	ID          string        `json:"id"`
	FirstKeyID  string        `json:"first_key_id"`
	Keys        []*apiKey     `json:"keys"`
	Idempotency []savedRecord `json:"idempotency"`
	// Hooks and SealedSigningKey are the account's webhooks and the key
	// that signs their events; a file of a sandbox before webhooks has
	// neither.
	Hooks            []savedHook `json:"hooks,omitempty"`
	SealedSigningKey []byte      `json:"sealed_signing_key,omitempty"`
}

type savedRecord struct {
	Index string `json:"index"`
	idempotencyRecord
}

// loadDataFile returns nil, nil when there is no file yet. A file that is
// there but cannot be read or understood is an error, and is left alone.
func loadDataFile(path string) (*dataFile, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the data file %s: %w", path, err)
	}
	var content dataFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&content); err != nil {
		return nil, corrupt(path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, corrupt(path, errors.New("data after the JSON document"))
	}
	if err := content.check(); err != nil {
		return nil, corrupt(path, err)
	}
	return &content, nil
}

func corrupt(path string, err error) error {
	return fmt.Errorf("the data file %s is corrupt and was left untouched: %w", path, err)
}

// check refuses a file the sandbox could not have written, so that a damaged
// file stops start-up instead of serving half a state.
func (c *dataFile) check() error {
	if c.Version != dataFileVersion && c.Version != hashesOnlyFileVersion {
		return fmt.Errorf("version %d, want %d or %d", c.Version, hashesOnlyFileVersion, dataFileVersion)
	}
	if len(c.Accounts) == 0 {
		return errors.New("no accounts")
	}
	accountIDs := map[string]bool{}
	hookIDs := map[int64]bool{}
	keyIDs := map[string]bool{}
	hashes := map[string]bool{}
	for _, acc := range c.Accounts {
		if !strings.HasPrefix(acc.ID, accountIDPrefix) || accountIDs[acc.ID] {
			return fmt.Errorf("account id %q is malformed or repeated", acc.ID)
		}
		accountIDs[acc.ID] = true
		if c.Version == hashesOnlyFileVersion && (len(acc.Hooks) > 0 || acc.SealedSigningKey != nil) {
			return fmt.Errorf("account %s holds webhooks, which version %d did not have", acc.ID, hashesOnlyFileVersion)
		}
		if err := checkSavedHooks(acc, hookIDs); err != nil {
			return fmt.Errorf("account %s: %w", acc.ID, err)
		}
		if acc.FirstKeyID != "" && !validKeyID(acc.FirstKeyID) {
			return fmt.Errorf("account %s: first_key_id %q is malformed", acc.ID, acc.FirstKeyID)
		}
		for _, k := range acc.Keys {
			if err := checkSavedKey(k); err != nil {
				return fmt.Errorf("account %s: %w", acc.ID, err)
			}
			if c.Version == hashesOnlyFileVersion && (k.Sealed != nil || k.LastRevealedAt != nil || k.MadeBy != "") {
				return fmt.Errorf("account %s: key %s holds fields that version %d did not have", acc.ID, k.ID, hashesOnlyFileVersion)
			}
			if keyIDs[k.ID] || hashes[k.KeyHash] {
				return fmt.Errorf("account %s: key %s is repeated", acc.ID, k.ID)
			}
			keyIDs[k.ID] = true
			hashes[k.KeyHash] = true
		}
		indexes := map[string]bool{}
		for _, rec := range acc.Idempotency {
			if !isLowerHex(rec.Index, 64) || indexes[rec.Index] || len(rec.Sealed) == 0 {
				return fmt.Errorf("account %s: an idempotency record is malformed or repeated", acc.ID)
			}
			indexes[rec.Index] = true
		}
	}
	return nil
}

func checkSavedKey(k *apiKey) error {
	switch {
	case k == nil:
		return errors.New("a key is null")
	case !validKeyID(k.ID):
		return fmt.Errorf("key id %q is malformed", k.ID)
	case checkLabel(k.Label) != nil:
		return fmt.Errorf("key %s: label is malformed", k.ID)
	case k.Environment != environmentLive && k.Environment != environmentSandbox:
		return fmt.Errorf("key %s: environment %q is unknown", k.ID, k.Environment)
	case k.Length < minKeyLength || k.Length > maxKeyLength:
		return fmt.Errorf("key %s: length %d is out of range", k.ID, k.Length)
	case len(k.KeyHint) != keyHintLength || !isAlphanumeric(k.KeyHint):
		return fmt.Errorf("key %s: key_hint is malformed", k.ID)
	case !isLowerHex(k.KeyHash, 64):
		return fmt.Errorf("key %s: key_sha256 is malformed", k.ID)
	case k.CreatedAt.IsZero():
		return fmt.Errorf("key %s: created_at is missing", k.ID)
	case k.MadeBy != "" && (len(k.MadeBy) != 2*sha256.Size || strings.Trim(k.MadeBy, "0123456789abcdef") != ""):
		return fmt.Errorf("key %s: made_by is malformed", k.ID)
	}
	if perms, err := checkPermissions(k.Permissions); err != nil || !slices.Equal(perms, k.Permissions) {
		return fmt.Errorf("key %s: permissions are malformed", k.ID)
	}
	return nil
}

func validKeyID(id string) bool {
	rest, ok := strings.CutPrefix(id, keyIDPrefix)
	return ok && len(rest) == keyIDLength && isAlphanumeric(rest)
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}

func writeDataFile(path string, content *dataFile) error {
	data, err := json.MarshalIndent(content, "", "  ")
	if err != nil {
		return err
	}
	if err := replaceFile(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing the data file: %w", err)
	}
	return nil
}

// replaceFile puts data at path so that a crash leaves either the old or
// the new content, readable by the owner only: write a temporary file
// beside it, sync it, rename it over the old one, then sync the directory
// so the rename itself survives.
func replaceFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	if err := writeAndSync(tmp, data); err != nil {
		_ = os.Remove(tmpName)
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		_ = os.Remove(tmpName)
		return err
	}
	// The new file is in place: a failed sync of the directory may lose the
	// rename in a crash, but reporting the write as failed would undo in
	// memory what the file already holds.
	_ = syncDir(dir)
	return nil
}

func writeAndSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if closeErr := d.Close(); err == nil {
		err = closeErr
	}
	return err
}
