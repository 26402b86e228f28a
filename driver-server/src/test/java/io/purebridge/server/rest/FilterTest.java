package io.purebridge.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean matches(String filter, String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return Filter.parse(filter).test(node);
    }

    @Test
    void comparisonsAndLogic() throws Exception {
        String host = "{\"name\":\"h1\",\"iqns\":[\"iqn.a\",\"iqn.b\"],\"wwns\":[\"21:00:00:24:FF:00:00:01\"],"
                + "\"is_local\":false,\"connection_count\":3,\"pod\":{\"name\":\"p1\"}}";
        assertThat(matches("iqns='iqn.b'", host)).isTrue();
        assertThat(matches("iqns[all]='iqn.b'", host)).isFalse();
        assertThat(matches("iqns='iqn.b' and is_local", host)).isFalse();
        assertThat(matches("iqns='iqn.b' and not is_local", host)).isTrue();
        assertThat(matches("wwns='21000024ff000001'", host)).isTrue();
        assertThat(matches("connection_count>=3 and connection_count<4", host)).isTrue();
        assertThat(matches("pod.name=\"p1\"", host)).isTrue();
        assertThat(matches("name=('h2','h1')", host)).isTrue();
        assertThat(matches("name!='h1' or (pod.name='p*' and contains(name,'1'))", host)).isTrue();
        assertThat(matches("not(name='h*')", host)).isFalse();
        assertThat(matches("space", host)).isFalse();
        assertThat(matches("progress=\"1.0\"", "{\"progress\":1.0}")).isTrue();
    }

    @Test
    void syntaxErrorsAre400() {
        for (String bad : new String[] {"name=", "name='x", "(name='x'", "name='x' and", "='x'", "name ! 'x'"}) {
            assertThatThrownBy(() -> Filter.parse(bad)).as(bad).isInstanceOfSatisfying(FaRestError.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
