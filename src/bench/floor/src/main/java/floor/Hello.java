package floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** The floor's only endpoint: a JSON answer through Quarkus REST and Jackson, as Latchkey's management API gives. */
@Path("/hello")
public class Hello {

    public record Greeting(String text) {
    }

    @GET
    public Greeting hello() {
        return new Greeting("hello");
    }
}
