package sandbox

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

var errRepeatingRandom = errors.New("the random source keeps repeating itself")

// restore takes over the state of a data file that check has accepted,
// once more refusing it if a sealed key does not open or belongs elsewhere.
// The quota is not checked here: it limits creates, so an account that
// holds more working keys than a smaller --key-quota allows keeps them all
// and is refused new keys until enough have expired or been deleted.
func (s *Server) restore(content *dataFile) error {
	for _, saved := range content.Accounts {
		acc := newAccount(saved.ID)
		acc.firstKeyID = saved.FirstKeyID
		for _, k := range saved.Keys {
			if k.Sealed != nil {
				if _, err := s.openCredentials(acc, k); err != nil {
					return fmt.Errorf("the data file %s does not go with the key file %s, or one of them is corrupt (key %s: %w); both were left untouched",
						s.dataFile, sealKeyPath(s.dataFile), k.ID, err)
				}
			}
			s.addKey(acc, k)
		}
		for _, rec := range saved.Idempotency {
			acc.idempotency[rec.Index] = rec.idempotencyRecord
		}
		if err := s.restoreHooks(acc, saved); err != nil {
			return fmt.Errorf("the data file %s does not go with the key file %s, or one of them is corrupt (%w); both were left untouched",
				s.dataFile, sealKeyPath(s.dataFile), err)
		}
		s.accounts = append(s.accounts, acc)
	}
	s.nextHookID = max(s.nextHookID, content.NextHookID)
	return nil
}

// openAccounts makes sure there are n accounts (a data file may hold more;
// they stay) and that each one's first key is known, so it can be printed.
// A first key made anew is made even in an account at its quota: without
// it the account could not be used at all.
func (s *Server) openAccounts(n int, given []string) error {
	for len(s.accounts) < n {
		id, err := s.secrets.alphanumeric(accountIDLength)
		if err != nil {
			return fmt.Errorf("reading the random source: %w", err)
		}
		s.accounts = append(s.accounts, newAccount(accountIDPrefix+id))
	}
	now := wholeSeconds(s.clock.Now())
	s.firstKeys = make([]string, len(s.accounts))
	for i, acc := range s.accounts {
		key := ""
		if i < len(given) {
			key = given[i]
		}
		first, err := s.issueFirstKey(acc, key, now)
		if err != nil {
			return fmt.Errorf("sandbox: account %d: %w", i+1, err)
		}
		s.firstKeys[i] = first
	}
	return nil
}

// issueFirstKey returns the account's first key. A stored first key stays
// as it is, unless another key is given: then its record is re-keyed (id,
// label and created_at stay) back to a live key holding every scope. A
// first key stored as a hash only can be kept only by giving it again; it
// is then sealed, so that it can be read from now on.
func (s *Server) issueFirstKey(acc *account, given string, now time.Time) (string, error) {
	first := acc.keys[acc.firstKeyID]
	if given == "" && first != nil && first.Sealed != nil {
		stored, err := s.openCredentials(acc, first)
		return stored.Key, err
	}
	key := given
	if key == "" {
		var err error
		if key, err = s.secrets.alphanumeric(generatedKeySize); err != nil {
			return "", fmt.Errorf("reading the random source: %w", err)
		}
	}
	hash := hashKey(key)
	if owner, taken := s.byHash[hash]; taken {
		if owner.account != acc || owner.key != first {
			return "", fmt.Errorf("the API key is already used by key %s", owner.key.ID)
		}
		if first.Sealed != nil {
			return key, nil
		}
		return key, s.sealFirstKey(acc, first, key)
	}
	if first == nil {
		id, err := s.newKeyID()
		if err != nil {
			return "", err
		}
		first = &apiKey{ID: id, Label: firstKeyLabel, CreatedAt: now}
		acc.keys[id] = first
		acc.firstKeyID = id
	} else {
		delete(s.byHash, first.KeyHash)
	}
	first.Environment = environmentLive
	first.Length = len(key)
	first.Permissions = allScopes()
	first.ValidUntil = nil
	first.KeyHint = key[len(key)-keyHintLength:]
	first.KeyHash = hash
	s.byHash[hash] = credential{account: acc, key: first}
	return key, s.sealFirstKey(acc, first, key)
}

// sealFirstKey gives the first key a secret of its own and seals both.
func (s *Server) sealFirstKey(acc *account, first *apiKey, key string) error {
	secret, err := s.secrets.alphanumeric(secretLength)
	if err == nil {
		err = s.sealCredentials(acc, first, key, secret)
	}
	if err != nil {
		return fmt.Errorf("reading the random source: %w", err)
	}
	return nil
}

// maxDraws bounds the redraws of an id or key that is taken already. With a
// sound random source a redraw is next to impossible; a broken one must end
// in an error, not a loop.
const maxDraws = 8

// newKeyID returns an id no key of any account has.
func (s *Server) newKeyID() (string, error) {
	for range maxDraws {
		suffix, err := s.secrets.alphanumeric(keyIDLength)
		if err != nil {
			return "", fmt.Errorf("reading the random source: %w", err)
		}
		if id := keyIDPrefix + suffix; !s.keyIDTaken(id) {
			return id, nil
		}
	}
	return "", errRepeatingRandom
}

func (s *Server) keyIDTaken(id string) bool {
	for _, acc := range s.accounts {
		if _, ok := acc.keys[id]; ok {
			return true
		}
	}
	return false
}

func (s *Server) addKey(acc *account, k *apiKey) {
	acc.keys[k.ID] = k
	s.byHash[k.KeyHash] = credential{account: acc, key: k}
	s.notePurge(k)
}

func (s *Server) removeKey(acc *account, k *apiKey) {
	delete(acc.keys, k.ID)
	delete(s.byHash, k.KeyHash)
}

// persist writes the whole state to the data file, if there is one, before
// the write that changed it is acknowledged. It runs with s.mu held.
func (s *Server) persist(now time.Time) error {
	for _, acc := range s.accounts {
		acc.pruneIdempotency(now)
	}
	if s.dataFile == "" {
		return nil
	}
	content, err := s.snapshot()
	if err != nil {
		return fmt.Errorf("sealing the hooks: %w", err)
	}
	if err := writeDataFile(s.dataFile, content); err != nil {
		return err
	}
	s.usageUnsaved = false
	return nil
}

func (s *Server) snapshot() (*dataFile, error) {
	content := &dataFile{Version: dataFileVersion, Accounts: make([]savedAccount, 0, len(s.accounts)), NextHookID: s.nextHookID}
	for _, acc := range s.accounts {
		saved := savedAccount{ID: acc.id, FirstKeyID: acc.firstKeyID, Keys: acc.sortedKeys(), Idempotency: []savedRecord{}}
		var err error
		if saved.Hooks, saved.SealedSigningKey, err = s.saveHooks(acc); err != nil {
			return nil, err
		}
		for _, index := range slices.Sorted(maps.Keys(acc.idempotency)) {
			saved.Idempotency = append(saved.Idempotency, savedRecord{Index: index, idempotencyRecord: acc.idempotency[index]})
		}
		content.Accounts = append(content.Accounts, saved)
	}
	return content, nil
}
