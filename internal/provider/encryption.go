package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// encryptTo seals plaintext for an age X25519 recipient as an ASCII-armored
// age file, which `age -d -i identity` opens.
func encryptTo(recipient age.Recipient, plaintext string) (string, error) {
	var out bytes.Buffer
	armored := armor.NewWriter(&out)
	sealed, err := age.Encrypt(armored, recipient)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(sealed, plaintext); err != nil {
		return "", err
	}
	if err := sealed.Close(); err != nil {
		return "", err
	}
	if err := armored.Close(); err != nil {
		return "", err
	}
	return out.String(), nil
}

// parseRecipient reads an age X25519 recipient, ignoring white space around
// it (a value read with file() ends in a line break). Its errors say what
// the value looks like without repeating it, because a value in the wrong
// place may be a secret: age's own errors quote it.
func parseRecipient(value string) (age.Recipient, error) {
	trimmed := strings.TrimSpace(value)
	if r, err := age.ParseX25519Recipient(trimmed); err == nil {
		return r, nil
	}
	upper := strings.ToUpper(trimmed)
	switch {
	case strings.HasPrefix(upper, "AGE-SECRET-KEY-"), strings.HasPrefix(upper, "AGE-PLUGIN-"):
		return nil, errIdentityGiven
	case trimmed == "":
		return nil, errors.New("is empty")
	case strings.HasPrefix(trimmed, "ssh-"), strings.HasPrefix(trimmed, "ecdsa-"):
		return nil, errors.New("is an SSH public key; only age X25519 recipients are supported")
	case strings.HasPrefix(strings.ToLower(trimmed), "age1"):
		return nil, errors.New("starts like an age recipient but is damaged or incomplete; copy it again " +
			"from the output of age-keygen")
	}
	return nil, errors.New("is not an age recipient")
}

// errIdentityGiven is the likely slip of giving age-keygen's private key,
// the identity, where its public recipient belongs.
var errIdentityGiven = errors.New("is an age identity (a private key)")

// ageRecipient accepts an age X25519 recipient (age1…).
func ageRecipient() validator.String {
	return ageRecipientValidator{}
}

type ageRecipientValidator struct{}

func (ageRecipientValidator) Description(context.Context) string {
	return "an age X25519 recipient such as \"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\""
}

func (v ageRecipientValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v ageRecipientValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	_, err := parseRecipient(req.ConfigValue.ValueString())
	switch {
	case errors.Is(err, errIdentityGiven):
		// Without an attribute path, so that Terraform does not print the
		// configuration line, or the variable's value, that holds the key.
		resp.Diagnostics.AddError("Private Key Given As Encryption Recipient", identityGivenDetail(req.Path.String()))
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Encryption Recipient",
			fmt.Sprintf("The value of %s %s. It must be %s: the public key that `age-keygen` prints "+
				"(`age-keygen -y identity.txt` prints it again).", req.Path, err, v.Description(ctx)))
	}
}

func identityGivenDetail(attribute string) string {
	return fmt.Sprintf("The value of %s is an age identity (a private key); give its public recipient, "+
		"age1…, which `age-keygen -y identity.txt` prints. Keep the identity out of the configuration, and "+
		"make a new one if the configuration has been shared or committed.", attribute)
}
