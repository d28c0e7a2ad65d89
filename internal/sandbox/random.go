package sandbox

import (
	"errors"
	"io"
	"math/rand/v2"
	"sync"
)

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// secretSource draws keys, secrets and ids from the injected reader. Reads
// are serialised because a reader a test injects, such as a seeded
// math/rand, is not safe for concurrent use.
type secretSource struct {
	mu sync.Mutex
	r  io.Reader
}

// maxDrawRounds bounds the rejection sampling below, so that a broken reader
// that only yields rejected bytes ends in an error instead of a busy loop.
const maxDrawRounds = 64

// alphanumeric returns n characters of [A-Za-z0-9], each equally likely:
// bytes of 248 and above are dropped so that the modulo favours no letter.
func (s *secretSource) alphanumeric(n int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for range maxDrawRounds {
		chunk := buf[:n-len(out)]
		if _, err := io.ReadFull(s.r, chunk); err != nil {
			return "", err
		}
		for _, b := range chunk {
			if b < 248 {
				out = append(out, alphanumeric[b%62])
			}
		}
		if len(out) == n {
			return string(out), nil
		}
	}
	return "", errors.New("the random source yields no usable bytes")
}

func (s *secretSource) read(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := io.ReadFull(s.r, p)
	return err
}

// seededRand is a fast generator for what needs to look random but guards
// nothing (request ids, fault rolls). It is seeded from the injected reader,
// so a test that injects a fixed reader gets the same faults every run.
type seededRand struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newSeededRand(src *secretSource) (*seededRand, error) {
	var seed [32]byte
	if err := src.read(seed[:]); err != nil {
		return nil, err
	}
	return &seededRand{rng: rand.New(rand.NewChaCha8(seed))}, nil //nolint:gosec // request ids and fault rolls guard no secret
}

func (g *seededRand) token(prefix string, n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	b := make([]byte, 0, len(prefix)+n)
	b = append(b, prefix...)
	for range n {
		b = append(b, alphanumeric[g.rng.IntN(len(alphanumeric))])
	}
	return string(b)
}

func (g *seededRand) float64() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rng.Float64()
}

func (g *seededRand) intN(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rng.IntN(n)
}
