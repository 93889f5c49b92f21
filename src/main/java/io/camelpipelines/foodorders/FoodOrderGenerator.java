package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import io.camelpipelines.common.RatePacer;

/**
 * The order simulator: inserts realistic orders into the source table at a steady rate, a small
 * share of them with a negative amount (a refund keyed in wrongly), and, from a second source (a
 * legacy point-of-sale feed that writes to the topic directly), a few orders without an order_id.
 * The capture and the cleaning see exactly the bad rows the seed cleans out.
 */
public class FoodOrderGenerator {

    private static final String[] CUSTOMERS = {"John Doe", "Asha Rao", "Li Wei", "Maria Garcia", "Ahmed Khan",
        "Sofia Rossi", "Kenji Sato", "Olivia Brown", "Ravi Kumar", "Emma Wilson", "Lucas Martin", "Fatima Zahra"};
    private static final String[][] MENUS = {
        {"Burger Junction", "Veg Burger", "Chicken Burger", "Fries", "Milkshake"},
        {"Pizza Palace", "Margherita", "Pepperoni", "Garlic Bread", "Tiramisu"},
        {"Spice Route", "Paneer Tikka", "Butter Chicken", "Naan", "Biryani"},
        {"Sushi Corner", "Salmon Nigiri", "California Roll", "Miso Soup", "Edamame"},
        {"Taco Town", "Beef Taco", "Veg Burrito", "Nachos", "Churros"}};
    private static final String[] STATUSES = {"PLACED", "PLACED", "PREPARING", "DELIVERED", "DELIVERED", "CANCELLED"};

    private final DataSource dataSource;
    private final String insertSql;
    private final RatePacer pacer;
    private final double badShare;

    public FoodOrderGenerator(DataSource dataSource, String insertSql, double ratePerSecond, double badShare) {
        this.dataSource = dataSource;
        this.insertSql = insertSql;
        this.pacer = new RatePacer(ratePerSecond);
        this.badShare = badShare;
    }

    /** Inserts the orders due at the rate; returns the second source's orders (no order_id) to publish. */
    public List<FoodOrder> insertDue() throws SQLException {
        int n = pacer.due();
        List<FoodOrder> orders = orders(n);
        insert(orders);
        List<FoodOrder> withoutId = new ArrayList<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < badShare / 2) {
                FoodOrder o = order(r);
                withoutId.add(new FoodOrder(null, o.customerName(), o.restaurantName(), o.item(), o.amount(),
                        o.orderStatus(), Instant.now()));
            }
        }
        return withoutId;
    }

    /** Orders as the source table holds them (order_id and created_at are the table's to assign). */
    public List<FoodOrder> orders(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<FoodOrder> orders = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FoodOrder o = order(r);
            if (r.nextDouble() < badShare / 2) {
                o = new FoodOrder(null, o.customerName(), o.restaurantName(), o.item(), o.amount().negate(),
                        o.orderStatus(), null);
            }
            orders.add(o);
        }
        return orders;
    }

    public void insert(List<FoodOrder> orders) throws SQLException {
        if (orders.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setArray(1, c.createArrayOf("varchar", orders.stream().map(FoodOrder::customerName).toArray()));
            ps.setArray(2, c.createArrayOf("varchar", orders.stream().map(FoodOrder::restaurantName).toArray()));
            ps.setArray(3, c.createArrayOf("varchar", orders.stream().map(FoodOrder::item).toArray()));
            ps.setArray(4, c.createArrayOf("numeric", orders.stream().map(FoodOrder::amount).toArray()));
            ps.setArray(5, c.createArrayOf("varchar", orders.stream().map(FoodOrder::orderStatus).toArray()));
            ps.executeUpdate();
        }
    }

    private static FoodOrder order(ThreadLocalRandom r) {
        String[] menu = MENUS[r.nextInt(MENUS.length)];
        BigDecimal amount = BigDecimal.valueOf(80 + r.nextInt(900)).add(BigDecimal.valueOf(r.nextInt(4) * 25, 2));
        return new FoodOrder(null, CUSTOMERS[r.nextInt(CUSTOMERS.length)], menu[0], menu[1 + r.nextInt(menu.length - 1)],
                amount, STATUSES[r.nextInt(STATUSES.length)], null);
    }
}
