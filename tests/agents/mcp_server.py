"""A local MCP server over stdio (fastmcp): the kind of tool server production agents attach with MCPTools."""

from fastmcp import FastMCP

server = FastMCP("orders")


@server.tool
def order_status(order_id: str) -> str:
    """Status of an order by its id."""
    return f"order {order_id}: shipped"


if __name__ == "__main__":
    server.run()
