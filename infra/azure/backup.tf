# Long-term backups: an Azure Backup vault keeps weekly logical backups of the whole
# server (pg_dump based) for 12 weeks, monthly ones for 12 months, yearly ones for at least
# 6 years (HIPAA 164.316(b)(2); contingency plan 164.308(a)(7)(ii)(A)). The server's own
# automatic backups (35 days, point-in-time restore) are configured in postgres.tf.
#
# Vault backups are restored as files (a dump per database) into a storage container,
# then loaded with pg_restore into a new server. They skip databases owned by
# azure_pg_admin or azuresu, the built-in postgres database included: keep PHI in
# var.database_name (docs/azure.md).

resource "azurerm_data_protection_backup_vault" "this" {
  name                = "${var.name_prefix}-backup-vault"
  resource_group_name = local.resource_group_name
  location            = var.location
  datastore_type      = "VaultStore"
  redundancy          = "GeoRedundant"

  cross_region_restore_enabled = var.backup_vault_cross_region_restore_enabled
  soft_delete                  = var.backup_vault_soft_delete
  retention_duration_in_days   = var.backup_vault_soft_delete_retention_days
  immutability                 = var.backup_vault_immutability

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags

  lifecycle {
    prevent_destroy = true
  }
}

# The vault's managed identity may start long-term backups of this server...
resource "azurerm_role_assignment" "vault_ltr_backup_on_server" {
  scope                = azurerm_postgresql_flexible_server.this.id
  role_definition_name = "PostgreSQL Flexible Server Long Term Retention Backup Role"
  principal_id         = azurerm_data_protection_backup_vault.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# ...and read the resource group that holds it.
resource "azurerm_role_assignment" "vault_reader_on_resource_group" {
  scope                = local.resource_group_id
  role_definition_name = "Reader"
  principal_id         = azurerm_data_protection_backup_vault.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_data_protection_backup_policy_postgresql_flexible_server" "ltr" {
  name     = "${var.name_prefix}-postgres-weekly-6y"
  vault_id = azurerm_data_protection_backup_vault.this.id

  # One backup a week, from backup_schedule_start (UTC) on.
  backup_repeating_time_intervals = ["R/${var.backup_schedule_start}/P1W"]

  # Every weekly backup: kept 12 weeks by default.
  default_retention_rule {
    life_cycle {
      duration        = var.backup_weekly_retention
      data_store_type = "VaultStore"
    }
  }

  # First backup of each year: kept P6Y (at least; see the validation of
  # backup_yearly_retention). Lowest priority number wins when several rules match.
  retention_rule {
    name     = "Yearly"
    priority = 10

    life_cycle {
      duration        = var.backup_yearly_retention
      data_store_type = "VaultStore"
    }

    criteria {
      absolute_criteria = "FirstOfYear"
    }
  }

  # First backup of each month: kept 12 months.
  retention_rule {
    name     = "Monthly"
    priority = 15

    life_cycle {
      duration        = var.backup_monthly_retention
      data_store_type = "VaultStore"
    }

    criteria {
      absolute_criteria = "FirstOfMonth"
    }
  }
}

resource "azurerm_data_protection_backup_instance_postgresql_flexible_server" "this" {
  name             = "${var.server_name}-ltr"
  location         = var.location
  vault_id         = azurerm_data_protection_backup_vault.this.id
  server_id        = azurerm_postgresql_flexible_server.this.id
  backup_policy_id = azurerm_data_protection_backup_policy_postgresql_flexible_server.ltr.id

  depends_on = [
    azurerm_role_assignment.vault_ltr_backup_on_server,
    azurerm_role_assignment.vault_reader_on_resource_group,
  ]
}
