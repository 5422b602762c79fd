import static dev.brasa.Brasa.*;
import dev.brasa.*;
import dev.brasa.nn.*;
import dev.brasa.nn.Module;
import dev.brasa.optim.*;
import dev.brasa.data.*;
import dev.brasa.data.datasets.*;
