module github.com/hashicorp/terraform/internal/backend/remote-state/omitted

go 1.25
