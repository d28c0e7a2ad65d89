package sandbox

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

// inboundPath is the sandbox's own endpoint, not the gateway's: it plays an
// SMS arriving at one of the account's numbers, so that its sms_mo hooks
// are called as the gateway would call them.
const inboundPath = "/_sandbox/inbound_sms"

type inboundResult struct {
	ID    string `json:"id"`
	Hooks int    `json:"hooks"` // how many hooks the event went to
}

// serveInbound answers POST /_sandbox/inbound_sms, from the local machine
// only, with a key of the account that receives the message (any scope).
// The body is JSON: from (the sender), to (the account's receiving number)
// and text.
func (s *Server) serveInbound(r *http.Request) reply {
	if r.Method != http.MethodPost {
		return methodNotAllowed(r.Method, http.MethodPost)
	}
	if !fromLoopback(r.RemoteAddr) {
		return errorReply(forbidden("the sandbox's inbound messages are taken from the local machine only"))
	}
	body, bodyErr := readBody(r)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	cred, ok := s.authenticate(r, now)
	if !ok {
		return errorReply(errUnauthorized)
	}
	if bodyErr != nil {
		return errorReply(bodyErr)
	}
	from, to, text, err := decodeInbound(body)
	if err != nil {
		return errorReply(err)
	}
	id := s.tokens.token("mo_", 20)
	n := s.dispatch(cred.account, event{kind: "sms_mo", filterValue: to, at: now, data: [][2]string{
		{"id", id}, {"sender", from}, {"system", to}, {"text", text},
		{"time", strconv.FormatInt(now.Unix(), 10)}, {"message_type", "SMS"},
	}})
	return jsonReply(http.StatusOK, inboundResult{ID: id, Hooks: n})
}

func decodeInbound(body []byte) (from, to, text string, _ *apiError) {
	members, err := decodeObject(body)
	if err != nil {
		return "", "", "", err
	}
	var fromP, toP, textP *string
	for _, m := range members {
		switch m.name {
		case "from":
			fromP, err = optionalString(m)
		case "to":
			toP, err = optionalString(m)
		case "text":
			textP, err = optionalString(m)
		default:
			err = invalidJSON(m.name, "unknown field %q; an inbound message takes from, to and text", m.name)
		}
		if err != nil {
			return "", "", "", err
		}
	}
	switch {
	case fromP == nil || !senderPattern.MatchString(*fromP):
		return "", "", "", validationFailed("from", "from must be a phone number or a sender name of up to 11 letters, digits or spaces")
	case toP == nil || !recipientPattern.MatchString(*toP):
		return "", "", "", validationFailed("to", "to must be one phone number (3 to 15 digits, optionally after a +)")
	case textP == nil || *textP == "" || utf8.RuneCountInString(*textP) > maxSMSText:
		return "", "", "", validationFailed("text", "text must be 1 to %d characters long", maxSMSText)
	}
	return *fromP, *toP, *textP, nil
}
