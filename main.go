package main

import (
	"context"
	"flag"
	"fmt"
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
		}
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
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
