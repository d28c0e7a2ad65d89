package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"

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
	if _, err := age.ParseX25519Recipient(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Encryption Recipient",
			fmt.Sprintf("%s must be %s (the public key that `age-keygen` prints); %s.", req.Path, v.Description(ctx), err))
	}
}
