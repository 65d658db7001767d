"""What an MNIST image is, said once: 28 x 28 grey levels 0-255 (a white digit on black), so 784 inputs."""
import math

#: rows and columns of one MNIST image
MNIST_IMAGE_SHAPE = (28, 28)
#: pixels of one image: the input layer of every network that reads MNIST (784)
MNIST_PIXELS = math.prod(MNIST_IMAGE_SHAPE)
