package dev.relay.testsupport;

import java.net.URI;
import java.util.List;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Fails the test that receives, through REST Assured, a body breaking the seeds' schema of its operation
 * ({@link SeedContract}); {@link RelayTestResources} installs it for every {@code @QuarkusTest}.
 */
public final class SeedContractFilter implements Filter {

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
            FilterContext context) {
        Response response = context.next(request, responseSpec);
        String method = request.getMethod();
        String path = URI.create(request.getURI()).getPath();
        String contentType = response.contentType();
        // only a JSON answer is read here: an event stream may never end
        if (contentType != null && contentType.startsWith("application/json") && SeedContract.seeds().describes(method, path)) {
            List<String> problems = SeedContract.seeds().problems(method, path, response.statusCode(),
                    contentType, response.asString());
            if (!problems.isEmpty()) {
                throw new AssertionError("the answer breaks the seeds' schema: " + String.join("; ", problems)
                        + "\nbody: " + response.asString());
            }
        }
        return response;
    }

    /** Adds the filter to REST Assured's global filters once. */
    static void install() {
        if (RestAssured.filters().stream().noneMatch(SeedContractFilter.class::isInstance)) {
            RestAssured.filters(new SeedContractFilter());
        }
    }
}
