# Terraform and provider versions.
#
# Terraform >= 1.11 is required for write-only arguments: the administrator password
# is sent to Azure through `administrator_password_wo` and never stored in state or plan
# files (state is otherwise a plaintext copy of every secret it touches).
# azurerm 4.x: `administrator_password_wo` (added early 2025) and the `immutability`
# setting of the backup vault need a recent 4.x release.

terraform {
  required_version = ">= 1.11.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.30"
    }
  }
}
