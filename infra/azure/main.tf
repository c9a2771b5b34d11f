# Provider, resource group and shared locals.

provider "azurerm" {
  subscription_id = var.subscription_id

  features {
    postgresql_flexible_server {
      # shared_preload_libraries (pgaudit) only takes effect after a restart.
      restart_server_on_configuration_value_change = true
    }

    resource_group {
      # Never delete a resource group that still holds something (a PHI server, a vault).
      prevent_deletion_if_contains_resources = true
    }
  }
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "this" {
  count = var.create_resource_group ? 1 : 0

  name     = var.resource_group_name
  location = var.location
  tags     = local.tags
}

data "azurerm_resource_group" "existing" {
  count = var.create_resource_group ? 0 : 1

  name = var.resource_group_name
}

locals {
  resource_group_name = var.create_resource_group ? azurerm_resource_group.this[0].name : data.azurerm_resource_group.existing[0].name
  resource_group_id   = var.create_resource_group ? azurerm_resource_group.this[0].id : data.azurerm_resource_group.existing[0].id

  tenant_id = coalesce(var.entra_tenant_id, data.azurerm_client_config.current.tenant_id)

  # Zone-redundant HA by default in prod, off elsewhere, unless set explicitly.
  high_availability_mode = coalesce(
    var.high_availability_mode,
    var.environment == "prod" ? "ZoneRedundant" : "Disabled",
  )

  tags = merge(
    {
      application         = "oxkair"
      environment         = var.environment
      data-classification = "phi"
      managed-by          = "terraform"
    },
    var.tags,
  )
}
