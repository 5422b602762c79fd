import static dev.brasa.Brasa.*;
import dev.brasa.*;
