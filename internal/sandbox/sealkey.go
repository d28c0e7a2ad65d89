package sandbox

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// sealKeyPath is where the key that seals a data file's credentials lives:
// beside the file, so that the data file alone gives no key away.
func sealKeyPath(dataFile string) string {
	return dataFile + ".key"
}

// openSealKey returns the seal key of the data file whose content (nil if
// none yet) was just loaded. It creates the key file only where no sealed
// credentials depend on an earlier one; a missing or damaged key file is
// an error and leaves both files as they are.
func (s *Server) openSealKey(content *dataFile) ([]byte, error) {
	path := sealKeyPath(s.dataFile)
	key, err := loadSealKey(path)
	switch {
	case err != nil:
		return nil, err
	case key != nil:
		return key, nil
	case content.holdsSealedCredentials():
		return nil, fmt.Errorf("the key file %s of the data file %s is missing, so its keys cannot be read; restore it, or move the data file away to start afresh (it was left untouched)", path, s.dataFile)
	}
	key, err = s.newSealKey()
	if err != nil {
		return nil, err
	}
	if err := replaceFile(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
		return nil, fmt.Errorf("writing the key file: %w", err)
	}
	return key, nil
}

// newSealKey draws a seal key from the server's random source.
func (s *Server) newSealKey() ([]byte, error) {
	key := make([]byte, sealKeySize)
	if err := s.secrets.read(key); err != nil {
		return nil, fmt.Errorf("reading the random source: %w", err)
	}
	return key, nil
}

// loadSealKey returns nil, nil when there is no key file.
func loadSealKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the key file %s: %w", path, err)
	}
	text, ok := strings.CutSuffix(string(raw), "\n")
	if !ok || !isLowerHex(text, 2*sealKeySize) {
		return nil, fmt.Errorf("the key file %s is corrupt and was left untouched: want %d hexadecimal digits and a newline", path, 2*sealKeySize)
	}
	return hex.DecodeString(text)
}

func (c *dataFile) holdsSealedCredentials() bool {
	if c == nil {
		return false
	}
	for _, acc := range c.Accounts {
		if acc.SealedSigningKey != nil || slices.ContainsFunc(acc.Hooks, func(h savedHook) bool { return h.SealedHeaders != nil }) {
			return true
		}
		for _, k := range acc.Keys {
			if k.Sealed != nil {
				return true
			}
		}
	}
	return false
}
