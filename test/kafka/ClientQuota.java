// Sets a client quota on a real broker with Kafka's own Admin API (the cached jars: java -cp "LIBS/*"
// ClientQuota.java BOOTSTRAP CLIENT_ID PRODUCER_BYTE_RATE), then waits until the broker describes it, so
// that a client started next is throttled. Used by test/kafka/throttle.test.ts.
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;

public class ClientQuota {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    double rate = Double.parseDouble(args[2]);
    try (Admin admin = Admin.create(props)) {
      ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, args[1]));
      admin
          .alterClientQuotas(
              List.of(
                  new ClientQuotaAlteration(
                      entity, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", rate)))))
          .all()
          .get();
      ClientQuotaFilter filter =
          ClientQuotaFilter.containsOnly(
              List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, args[1])));
      // The controller has it; the broker applies it as it replays the metadata: wait until it says so.
      for (int i = 0; i < 300; i++) {
        Map<String, Double> q = admin.describeClientQuotas(filter).entities().get().get(entity);
        if (q != null && Double.valueOf(rate).equals(q.get("producer_byte_rate"))) {
          System.out.println("quota set");
          return;
        }
        Thread.sleep(100);
      }
      System.err.println("the broker never described the quota");
      System.exit(1);
    }
  }
}
