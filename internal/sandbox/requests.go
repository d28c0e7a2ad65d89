package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	defaultKeyLength = 64
	maxLabelLength   = 64
)

// createRequest is a POST /api_keys body as sent: absent members are nil,
// and values keep their literal form until validate judges them.
type createRequest struct {
	label          *string
	environment    *string
	length         *string
	permissions    []string
	hasPermissions bool
	validUntil     *string
}

func decodeCreate(body []byte) (createRequest, *apiError) {
	var req createRequest
	members, err := decodeObject(body)
	if err != nil {
		return req, err
	}
	for _, m := range members {
		switch m.name {
		case "label":
			req.label, err = optionalString(m)
		case "environment":
			req.environment, err = optionalString(m)
		case "length":
			req.length, err = optionalInteger(m)
		case "permissions":
			req.permissions, req.hasPermissions, err = optionalStrings(m)
		case "valid_until":
			req.validUntil, err = optionalString(m)
		default:
			err = invalidJSON(m.name, "unknown field %q; a key takes label, environment, length, permissions and valid_until", m.name)
		}
		if err != nil {
			return req, err
		}
	}
	return req, nil
}

// fingerprint identifies the parsed request for idempotency: member order,
// spacing, the order of permissions and the spelling of a time do not count,
// while leaving out a member is not the same as sending its default.
func (req createRequest) fingerprint() string {
	canonical := struct {
		Label       *string  `json:"label"`
		Environment *string  `json:"environment"`
		Length      *string  `json:"length"`
		Permissions []string `json:"permissions"`
		ValidUntil  *string  `json:"valid_until"`
	}{Label: req.label, Environment: req.environment, Length: req.length, ValidUntil: req.validUntil}
	if req.hasPermissions {
		canonical.Permissions = slices.Sorted(slices.Values(req.permissions))
	}
	if req.validUntil != nil {
		if t, err := time.Parse(time.RFC3339, *req.validUntil); err == nil {
			s := formatTime(t)
			canonical.ValidUntil = &s
		}
	}
	encoded, _ := json.Marshal(canonical)
	sum := sha256.Sum256(encoded)
	return hex.EncodeToString(sum[:])
}

// keySpec is a validated request with every default filled in.
type keySpec struct {
	label       string
	environment string
	length      int
	permissions []string
	validUntil  *time.Time
}

func (req createRequest) validate(now time.Time, creator *apiKey) (keySpec, *apiError) {
	spec := keySpec{environment: environmentLive, length: defaultKeyLength}
	if req.label == nil {
		return spec, validationFailed("label", "label is required")
	}
	if err := checkLabel(*req.label); err != nil {
		return spec, err
	}
	spec.label = *req.label

	if req.environment != nil {
		if *req.environment != environmentLive && *req.environment != environmentSandbox {
			return spec, validationFailed("environment", "environment must be live or sandbox")
		}
		spec.environment = *req.environment
	}

	if req.length != nil {
		n, err := strconv.Atoi(*req.length)
		if err != nil || n < minKeyLength || n > maxKeyLength {
			return spec, validationFailed("length", "length must be between %d and %d", minKeyLength, maxKeyLength)
		}
		spec.length = n
	}

	if req.hasPermissions {
		perms, err := checkPermissions(req.permissions)
		if err != nil {
			return spec, err
		}
		spec.permissions = perms
	} else {
		spec.permissions = defaultPermissions(creator)
		if len(spec.permissions) == 0 {
			return spec, validationFailed("permissions", "this key holds none of the default scopes; name the permissions")
		}
	}

	if req.validUntil != nil {
		t, err := checkValidUntil(*req.validUntil, now)
		if err != nil {
			return spec, err
		}
		spec.validUntil = &t
	}
	return spec, nil
}

// defaultPermissions is every scope but api_keys, as far as the creating key
// may grant them: a default must not turn a request into a forbidden one.
func defaultPermissions(creator *apiKey) []string {
	var out []string
	for _, scope := range scopes {
		if scope != scopeAPIKeys && creator.holds(scope) {
			out = append(out, scope)
		}
	}
	return out
}

func checkLabel(label string) *apiError {
	if n := utf8.RuneCountInString(label); n < 1 || n > maxLabelLength {
		return validationFailed("label", "label must be 1 to %d characters long", maxLabelLength)
	}
	for _, r := range label {
		if unicode.IsControl(r) {
			return validationFailed("label", "label must not contain control characters")
		}
	}
	return nil
}

// checkPermissions returns the scopes sorted, as they are kept and returned.
func checkPermissions(perms []string) ([]string, *apiError) {
	if len(perms) == 0 {
		return nil, validationFailed("permissions", "permissions must name at least one scope")
	}
	seen := make(map[string]bool, len(perms))
	for _, p := range perms {
		if !slices.Contains(scopes, p) {
			return nil, validationFailed("permissions", "unknown scope %q", p)
		}
		if seen[p] {
			return nil, validationFailed("permissions", "scope %q is listed more than once", p)
		}
		seen[p] = true
	}
	return slices.Sorted(slices.Values(perms)), nil
}

func checkValidUntil(value string, now time.Time) (time.Time, *apiError) {
	t, err := parseValidUntil(value, now)
	if err != nil {
		return t, err
	}
	if t.After(now.AddDate(2, 0, 0)) {
		return time.Time{}, validationFailed("valid_until", "valid_until must lie at most 2 years ahead")
	}
	return t, nil
}

// checkBroughtForward judges the valid_until of a PATCH, which may only
// bring the key's expiry forward: strictly before the current one, as the
// contract says, so that the same time sent again is refused too.
func checkBroughtForward(value string, now time.Time, current *time.Time) (time.Time, *apiError) {
	if current == nil {
		return checkValidUntil(value, now)
	}
	t, err := parseValidUntil(value, now)
	if err != nil {
		return t, err
	}
	if !t.Before(*current) {
		return time.Time{}, validationFailed("valid_until", "valid_until can only be brought forward, to before the key's current valid_until %s", formatTime(*current))
	}
	return t, nil
}

// parseValidUntil reads an RFC 3339 time in whole seconds that lies ahead.
func parseValidUntil(value string, now time.Time) (time.Time, *apiError) {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, validationFailed("valid_until", "valid_until must be an RFC 3339 time such as 2030-01-31T12:00:00Z")
	}
	t = wholeSeconds(t)
	if !t.After(now) {
		return time.Time{}, validationFailed("valid_until", "valid_until must lie in the future")
	}
	return t, nil
}

// checkGrant enforces that a key never grants more than it holds.
func checkGrant(actor *apiKey, permissions []string) *apiError {
	for _, p := range permissions {
		if !actor.holds(p) {
			return forbidden("this key cannot grant the %s scope, which it does not hold itself", p)
		}
	}
	return nil
}

// patchRequest is a PATCH /api_keys/{id} body; nil means leave as it is.
type patchRequest struct {
	label          *string
	permissions    []string
	hasPermissions bool
	validUntil     *string
}

func decodePatch(body []byte) (patchRequest, *apiError) {
	var req patchRequest
	members, err := decodeObject(body)
	if err != nil {
		return req, err
	}
	for _, m := range members {
		switch m.name {
		case "label":
			req.label, err = optionalString(m)
		case "permissions":
			req.permissions, req.hasPermissions, err = optionalStrings(m)
		case "valid_until":
			req.validUntil, err = optionalString(m)
		default:
			err = immutableField(m.name)
		}
		if err != nil {
			return req, err
		}
	}
	return req, nil
}

// keyChange is what a valid PATCH makes of a key's changeable fields.
type keyChange struct {
	label       string
	permissions []string
	validUntil  *time.Time
}

func (req patchRequest) validate(now time.Time, k *apiKey) (keyChange, *apiError) {
	change := keyChange{label: k.Label, permissions: k.Permissions, validUntil: k.ValidUntil}
	if req.label != nil {
		if err := checkLabel(*req.label); err != nil {
			return change, err
		}
		change.label = *req.label
	}
	if req.hasPermissions {
		perms, err := checkPermissions(req.permissions)
		if err != nil {
			return change, err
		}
		change.permissions = perms
	}
	if req.validUntil != nil {
		t, err := checkBroughtForward(*req.validUntil, now, k.ValidUntil)
		if err != nil {
			return change, err
		}
		change.validUntil = &t
	}
	return change, nil
}

func (change keyChange) changes(k *apiKey) bool {
	sameExpiry := change.validUntil == nil && k.ValidUntil == nil ||
		change.validUntil != nil && k.ValidUntil != nil && change.validUntil.Equal(*k.ValidUntil)
	return change.label != k.Label || !slices.Equal(change.permissions, k.Permissions) || !sameExpiry
}
