package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/sms-gateway/terraform-provider-sms/internal/provider"
	"github.com/sms-gateway/terraform-provider-sms/internal/sandbox"
)

// version is set by the release build (goreleaser's ldflags).
var version = "dev"

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "sandbox":
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := sandbox.Main(ctx, os.Args[2:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		case "version", "--version", "-version":
			fmt.Println("terraform-provider-sms", version)
			return
		case "help", "-h", "-help", "--help":
			printUsage(os.Stdout)
			return
		}
	}

	// Terraform starts the binary with no arguments: that serves the
	// provider, as does -debug; any other flag is a usage error.
	var debug bool
	flag.BoolVar(&debug, "debug", false, "serve the provider for a debugger such as delve and print the TF_REATTACH_PROVIDERS value to use")
	flag.Usage = func() { printUsage(flag.CommandLine.Output()) }
	flag.Parse()
	quietSDKUnlessLogging()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/sms-gateway/sms",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: terraform-provider-sms [command] [flags]

Without a command the binary serves the provider to Terraform or OpenTofu,
which start it themselves.

Commands:
  sandbox   serve a local copy of the gateway's key-management API (see sandbox -h)
  version   print the provider's version

Flags without a command:
  -debug    serve the provider for a debugger such as delve and print the
            TF_REATTACH_PROVIDERS value to use
  -h        print this help
`)
}

// quietSDKUnlessLogging turns off the plugin SDK's own trace logs when the
// user asked for no logging at all. The SDK writes them at TRACE by default,
// several lines per attribute per call, and Terraform throws them away
// unless TF_LOG asks for them; encoding them cost a third of the provider's
// time in a plan (see BENCHMARKS.md). Any of these variables, set for the
// CLI and so inherited by the provider, keeps them.
func quietSDKUnlessLogging() {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO"} {
		if os.Getenv(name) != "" {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "OFF")
}
