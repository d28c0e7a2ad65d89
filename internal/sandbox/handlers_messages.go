package sandbox

import (
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

const (
	sandboxBalance  = 12.5
	balanceCurrency = "EUR"
	maxSMSText      = 1520 // ten concatenated messages
	smsSuccess      = "100"
)

var (
	recipientPattern = regexp.MustCompile(`^\+?[0-9]{3,15}$`)
	senderPattern    = regexp.MustCompile(`^(?:[A-Za-z0-9 ]{1,11}|\+?[0-9]{1,16})$`)
)

type balanceView struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

func (s *Server) balance(*call) reply {
	return jsonReply(http.StatusOK, balanceView{Amount: sandboxBalance, Currency: balanceCurrency})
}

type smsResult struct {
	Success  string       `json:"success"`
	Messages []smsMessage `json:"messages"`
}

type smsMessage struct {
	ID        string `json:"id"`
	Recipient string `json:"recipient"`
	Sandbox   bool   `json:"sandbox"`
}

// sendSMS accepts a message and delivers nothing: the sandbox has no phone
// network, and a sandbox key's messages would not be delivered anyway.
func (s *Server) sendSMS(c *call) reply {
	recipients, err := decodeSMS(c.body)
	if err != nil {
		return errorReply(err)
	}
	result := smsResult{Success: smsSuccess, Messages: make([]smsMessage, 0, len(recipients))}
	for _, to := range recipients {
		msg := smsMessage{
			ID:        s.tokens.token("msg_", 20),
			Recipient: to,
			Sandbox:   c.key.Environment == environmentSandbox,
		}
		result.Messages = append(result.Messages, msg)
		// Every message is reported delivered at once: the sandbox has no
		// phone network that could say otherwise.
		s.dispatch(c.account, event{kind: "dlr", filterValue: to, at: c.now, data: [][2]string{
			{"msg_id", msg.ID}, {"status", "DELIVERED"}, {"timestamp", c.now.In(berlin).Format("2006-01-02 15:04:05.000")},
		}})
	}
	return jsonReply(http.StatusOK, result)
}

// decodeSMS checks a POST /sms body and returns its recipients: `to` holds
// one or more phone numbers, separated by commas.
func decodeSMS(body []byte) ([]string, *apiError) {
	members, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	var to, text, from *string
	for _, m := range members {
		switch m.name {
		case "to":
			to, err = optionalString(m)
		case "text":
			text, err = optionalString(m)
		case "from":
			from, err = optionalString(m)
		default:
			err = invalidJSON(m.name, "unknown field %q; an SMS takes to, text and from", m.name)
		}
		if err != nil {
			return nil, err
		}
	}
	if to == nil {
		return nil, validationFailed("to", "to is required")
	}
	var recipients []string
	for part := range strings.SplitSeq(*to, ",") {
		recipient := strings.TrimSpace(part)
		if !recipientPattern.MatchString(recipient) {
			return nil, validationFailed("to", "to must hold phone numbers (3 to 15 digits, optionally after a +), separated by commas")
		}
		recipients = append(recipients, recipient)
	}
	if text == nil {
		return nil, validationFailed("text", "text is required")
	}
	if n := utf8.RuneCountInString(*text); n < 1 || n > maxSMSText {
		return nil, validationFailed("text", "text must be 1 to %d characters long", maxSMSText)
	}
	if from != nil && !senderPattern.MatchString(*from) {
		return nil, validationFailed("from", "from must be up to 11 letters, digits or spaces, or a number of up to 16 digits")
	}
	return recipients, nil
}
