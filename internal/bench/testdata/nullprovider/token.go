package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// token is null_token, the peer: a resource of the size and make of a
// typical framework resource that does no I/O, such as a generated
// password or string. Fourteen attributes: inputs with defaults and
// validators that all force replacement, and a computed result kept from
// state, so that the framework does per attribute what it does for most
// providers' resources.
type token struct{}

type tokenModel struct {
	ID         types.String `tfsdk:"id"`
	Keepers    types.Map    `tfsdk:"keepers"`
	Length     types.Int64  `tfsdk:"length"`
	Prefix     types.String `tfsdk:"prefix"`
	Upper      types.Bool   `tfsdk:"upper"`
	Lower      types.Bool   `tfsdk:"lower"`
	Digits     types.Bool   `tfsdk:"digits"`
	Symbols    types.Bool   `tfsdk:"symbols"`
	MinUpper   types.Int64  `tfsdk:"min_upper"`
	MinLower   types.Int64  `tfsdk:"min_lower"`
	MinDigits  types.Int64  `tfsdk:"min_digits"`
	MinSymbols types.Int64  `tfsdk:"min_symbols"`
	SymbolSet  types.String `tfsdk:"symbol_set"`
	Result     types.String `tfsdk:"result"`
}

func (token) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (token) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := func() []planmodifier.String {
		return []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	}
	class := func() schema.BoolAttribute {
		return schema.BoolAttribute{
			Optional:      true,
			Computed:      true,
			Default:       booldefault.StaticBool(true),
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		}
	}
	minimum := func() schema.Int64Attribute {
		return schema.Int64Attribute{
			Optional:      true,
			Computed:      true,
			Default:       int64default.StaticInt64(0),
			Validators:    []validator.Int64{int64validator.AtLeast(0)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, PlanModifiers: kept()},
			"result": schema.StringAttribute{Computed: true, PlanModifiers: kept()},
			"keepers": schema.MapAttribute{
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"length": schema.Int64Attribute{
				Required: true,
				Validators: []validator.Int64{
					int64validator.Between(1, 1024),
					int64validator.AtLeastSumOf(path.MatchRoot("min_upper"), path.MatchRoot("min_lower"),
						path.MatchRoot("min_digits"), path.MatchRoot("min_symbols")),
				},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"prefix": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(""),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"upper":       class(),
			"lower":       class(),
			"digits":      class(),
			"symbols":     class(),
			"min_upper":   minimum(),
			"min_lower":   minimum(),
			"min_digits":  minimum(),
			"min_symbols": minimum(),
			"symbol_set": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("!#$%&*()-_=+[]{}<>:?"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (token) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m tokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result, err := m.generate()
	if err != nil {
		resp.Diagnostics.AddError("Unable to Generate Token",
			fmt.Sprintf("The token could not be generated: %s. Enable at least one character class whose "+
				"minimum fits in length.", err))
		return
	}
	m.Result = types.StringValue(result)
	m.ID = m.Result
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state as it is: the framework has already copied it into
// the response.
func (token) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is never called: every input forces replacement.
func (token) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

func (token) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// generate draws each class's minimum from that class and the rest of
// length from every enabled class, then shuffles, so that no class sits
// at a fixed place.
func (m tokenModel) generate() (string, error) {
	classes := []struct {
		on      bool
		minimum int64
		chars   string
	}{
		{m.Upper.ValueBool(), m.MinUpper.ValueInt64(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{m.Lower.ValueBool(), m.MinLower.ValueInt64(), "abcdefghijklmnopqrstuvwxyz"},
		{m.Digits.ValueBool(), m.MinDigits.ValueInt64(), "0123456789"},
		{m.Symbols.ValueBool(), m.MinSymbols.ValueInt64(), m.SymbolSet.ValueString()},
	}
	var all string
	var out []byte
	for _, c := range classes {
		if !c.on || c.chars == "" {
			continue
		}
		all += c.chars
		for range c.minimum {
			b, err := pick(c.chars)
			if err != nil {
				return "", err
			}
			out = append(out, b)
		}
	}
	if all == "" {
		return "", fmt.Errorf("no character class is enabled")
	}
	for int64(len(out)) < m.Length.ValueInt64() {
		b, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, b)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return m.Prefix.ValueString() + string(out), nil
}

func pick(chars string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
	if err != nil {
		return 0, err
	}
	return chars[i.Int64()], nil
}
