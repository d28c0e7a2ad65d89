package sandbox

import "time"

// purgeAfter is how long the gateway keeps an expired key (listed,
// deletable, but no longer counted against the quota) before it deletes it.
const purgeAfter = 30 * 24 * time.Hour

// notePurge remembers when k is due to be purged, so that requests skip
// the scan over every key until the earliest such time. It runs with s.mu
// held.
func (s *Server) notePurge(k *apiKey) {
	if k.ValidUntil == nil {
		return
	}
	due := k.ValidUntil.Add(purgeAfter)
	if s.purgeDue.IsZero() || due.Before(s.purgeDue) {
		s.purgeDue = due
	}
}

type purgedKey struct {
	account *account
	key     *apiKey
}

// purge deletes, in memory, every key that expired purgeAfter ago or more,
// and returns them. It runs with s.mu held.
func (s *Server) purge(now time.Time) []purgedKey {
	if s.purgeDue.IsZero() || now.Before(s.purgeDue) {
		return nil
	}
	var purged []purgedKey
	s.purgeDue = time.Time{}
	for _, acc := range s.accounts {
		for _, k := range acc.keys {
			if k.purgeable(now) {
				purged = append(purged, purgedKey{account: acc, key: k})
				s.removeKey(acc, k)
				continue
			}
			s.notePurge(k)
		}
	}
	return purged
}

// purgeAndSave runs purge ahead of a request and saves the result like any
// write. A purge that cannot be saved is undone, so memory never runs ahead
// of the file, and is tried again with the next request.
func (s *Server) purgeAndSave(now time.Time) {
	purged := s.purge(now)
	if len(purged) == 0 {
		return
	}
	if err := s.persist(now); err != nil {
		for _, p := range purged {
			s.addKey(p.account, p.key)
		}
	}
}
