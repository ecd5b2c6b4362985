
mod repos;
mod upload;
