# Network access: "private" (VNet integration, no public endpoint) or "public" (firewall
# rules for an explicit list of CIDRs, never 0.0.0.0-255.255.255.255).

locals {
  private_access = var.network_mode == "private"
  create_vnet    = local.private_access && var.existing_delegated_subnet_id == null

  delegated_subnet_id = local.private_access ? (
    local.create_vnet ? azurerm_subnet.postgres[0].id : var.existing_delegated_subnet_id
  ) : null

  vnet_id = local.private_access ? (
    local.create_vnet ? azurerm_virtual_network.this[0].id : var.existing_vnet_id
  ) : null

  # One firewall rule per CIDR; the key doubles as a valid rule name (10-0-0-0_24).
  firewall_rules = var.network_mode == "public" ? {
    for c in var.allowed_cidrs : replace(replace(c, ".", "-"), "/", "_") => c
  } : {}
}

# ─────────────────────────────────────────────────────────────────────────────
# Private access
# ─────────────────────────────────────────────────────────────────────────────

resource "azurerm_virtual_network" "this" {
  count = local.create_vnet ? 1 : 0

  name                = "${var.name_prefix}-vnet"
  location            = var.location
  resource_group_name = local.resource_group_name
  address_space       = var.vnet_address_space
  tags                = local.tags
}

resource "azurerm_subnet" "postgres" {
  count = local.create_vnet ? 1 : 0

  name                 = "${var.name_prefix}-postgres"
  resource_group_name  = local.resource_group_name
  virtual_network_name = azurerm_virtual_network.this[0].name
  address_prefixes     = [var.postgres_subnet_prefix]
  service_endpoints    = ["Microsoft.Storage"]

  delegation {
    name = "postgres-flexible-server"

    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_private_dns_zone" "postgres" {
  count = local.private_access ? 1 : 0

  # Must end in .postgres.database.azure.com.
  name                = "${var.server_name}.private.postgres.database.azure.com"
  resource_group_name = local.resource_group_name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  count = local.private_access ? 1 : 0

  name                  = "${var.server_name}-vnet-link"
  resource_group_name   = local.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.postgres[0].name
  virtual_network_id    = local.vnet_id
  registration_enabled  = false
  tags                  = local.tags
}

# ─────────────────────────────────────────────────────────────────────────────
# Public access
# ─────────────────────────────────────────────────────────────────────────────

resource "azurerm_postgresql_flexible_server_firewall_rule" "allowed" {
  for_each = local.firewall_rules

  name             = "allow-${each.key}"
  server_id        = azurerm_postgresql_flexible_server.this.id
  start_ip_address = cidrhost(each.value, 0)
  end_ip_address   = cidrhost(each.value, -1)
}
